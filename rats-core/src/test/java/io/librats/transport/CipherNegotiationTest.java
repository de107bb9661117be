package io.librats.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.librats.ConnectionAttemptResult;
import io.librats.RatsClient;
import io.librats.TestNodes;
import io.librats.noise.NoiseCipher;
import io.librats.noise.NoiseException;
import io.librats.noise.NoiseKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Noise cipher two real nodes agree on through their preambles: AES-GCM only when both offer it, whichever
 * side dials; a peer whose preamble offers AES-GCM but who then speaks ChaCha20-Poly1305 cannot complete the
 * handshake, and the node goes on serving others.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CipherNegotiationTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@ParameterizedTest(name = "dialer offers {0}, acceptor offers {1}")
	@CsvSource({ "true, true", "true, false", "false, true", "false, false" })
	void bothMustOfferAesGcm(boolean dialerOffers, boolean acceptorOffers) {
		RatsClient acceptor = this.nodes.start((b) -> b.aesGcm(acceptorOffers));
		RatsClient dialer = this.nodes.start((b) -> b.aesGcm(dialerOffers));
		CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
		acceptor.onBinary((peer, data) -> received.add(new String(data)));
		ConnectionAttemptResult result = dialer.connectToPeer("127.0.0.1", acceptor.listenPort()).join();
		assertThat(result.success()).as(String.valueOf(result.error())).isTrue();
		String expected = (dialerOffers && acceptorOffers && NoiseCipher.hardwareAesGcm()) ? "AESGCM" : "ChaChaPoly";
		await().atMost(Duration.ofSeconds(10)).until(() -> acceptor.peers().size() == 1);
		assertThat(dialer.peers()).singleElement().extracting(PeerInfo::cipher).isEqualTo(expected);
		assertThat(acceptor.peers()).singleElement().extracting(PeerInfo::cipher).isEqualTo(expected);
		dialer.sendBinary(acceptor.peerId(), "over the agreed cipher".getBytes()).join();
		await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("over the agreed cipher"));
	}

	@Test
	void aPeerThatOffersAesGcmButSpeaksChaChaPolyFailsTheHandshake() throws Exception {
		RatsClient node = this.nodes.start((b) -> b.listenAddress("127.0.0.1"));
		try (RawNoiseClient client = RawNoiseClient.connect(node.listenPort(), NoiseKeyPair.generate(),
				Duration.ofSeconds(5))) {
			byte[] lying = RawNoiseClient.preambleBytes(true);
			lying[6] = Preamble.FLAG_AES_GCM;
			client.exchangePreambles(lying);
			if (NoiseCipher.hardwareAesGcm()) {
				// The node answers message 1 under AESGCM: our ChaChaPoly side cannot read message 2.
				assertThatThrownBy(() -> client.handshake(TestNodes.loopbackConfig().build().protocolId()))
					.isInstanceOf(NoiseException.class).hasMessage("decryption failed: bad tag");
			}
			else {
				client.handshake(TestNodes.loopbackConfig().build().protocolId());
			}
		}
		assertThat(node.peers()).isEmpty();
		RatsClient honest = this.nodes.start();
		assertThat(honest.connectToPeer("127.0.0.1", node.listenPort()).join().success()).isTrue();
	}

}
