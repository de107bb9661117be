package io.librats.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The AESGCM cipher function: the JDK's AES-GCM against BouncyCastle's (an implementation of GCM independent of the
 * JDK's) and the NIST GCM specification's 256-bit test case; Noise's big-endian nonce and its rekey; switching a
 * handshake's cipher. The Noise test vectors for the whole handshake are in {@link NoiseVectorsTest}.
 */
class AesGcmCipherTest {

	private static final HexFormat HEX = HexFormat.of();

	@Test
	void nistGcmSpecTestCase16() throws NoiseException {
		// "The Galois/Counter Mode of Operation (GCM)", McGrew and Viega, test case 16: AES-256, 96-bit IV, AD.
		byte[] key = HEX.parseHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
		byte[] iv = HEX.parseHex("cafebabefacedbaddecaf888");
		byte[] plain = HEX.parseHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
				+ "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
		byte[] ad = HEX.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
		byte[] expected = HEX.parseHex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
				+ "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662" + "76fc6ece0f4e1768cddf8853bb2d551b");
		Aead aead = JdkAead.aesGcm();
		aead.setKey(key, 0);
		byte[] out = new byte[plain.length + Aead.TAG_LENGTH];
		assertThat(aead.seal(iv, ad, plain, 0, plain.length, out, 0)).isEqualTo(out.length);
		assertThat(out).isEqualTo(expected);
		byte[] back = new byte[plain.length];
		assertThat(aead.open(iv, ad, out, 0, out.length, back, 0)).isEqualTo(plain.length);
		assertThat(back).isEqualTo(plain);
	}

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6, 7, 8 })
	void jdkAgreesWithBouncyCastleOnSeededRandomInputs(long seed) throws Exception {
		Random random = new Random(seed);
		Aead aead = JdkAead.aesGcm();
		for (int round = 0; round < 40; round++) {
			byte[] key = bytes(random, 32);
			byte[] nonce = bytes(random, 12);
			byte[] ad = random.nextBoolean() ? null : bytes(random, random.nextInt(64));
			byte[] plain = bytes(random, random.nextInt(3) == 0 ? random.nextInt(70_000 - 16) : random.nextInt(600));
			aead.setKey(key, 0);
			byte[] ours = new byte[plain.length + Aead.TAG_LENGTH];
			aead.seal(nonce, ad, plain, 0, plain.length, ours, 0);
			assertThat(ours).isEqualTo(bouncyCastleSeal(key, nonce, ad, plain));
			byte[] back = new byte[plain.length];
			aead.open(nonce, ad, ours, 0, ours.length, back, 0);
			assertThat(back).isEqualTo(plain);
		}
	}

	@Test
	void everyFlippedBitIsRejectedAndNothingIsWritten() {
		Aead aead = JdkAead.aesGcm();
		aead.setKey(new byte[32], 0);
		byte[] nonce = new byte[12];
		byte[] plain = "attack at dawn".getBytes();
		byte[] sealed = new byte[plain.length + Aead.TAG_LENGTH];
		aead.seal(nonce, null, plain, 0, plain.length, sealed, 0);
		for (int bit = 0; bit < 8 * sealed.length; bit++) {
			byte[] tampered = sealed.clone();
			tampered[bit / 8] ^= (byte) (1 << (bit % 8));
			byte[] out = new byte[plain.length];
			assertThatThrownBy(() -> aead.open(nonce, null, tampered, 0, tampered.length, out, 0))
				.isInstanceOf(NoiseException.class).hasMessage("decryption failed: bad tag");
			assertThat(out).containsOnly(0);
		}
	}

	@Test
	void nonceIsTheCounterBigEndianBehindFourZeroBytes() throws Exception {
		byte[] key = bytes(new Random(9), 32);
		CipherState state = new CipherState(NoiseCipher.AES_GCM, AeadImplementation.PURE_JAVA);
		state.initializeKey(key);
		state.setNonce(0x0102030405060708L);
		byte[] plain = "n".getBytes();
		byte[] out = new byte[plain.length + Aead.TAG_LENGTH];
		state.encryptWithAd(null, plain, 0, plain.length, out, 0);
		assertThat(out).isEqualTo(bouncyCastleSeal(key, HEX.parseHex("000000000102030405060708"), null, plain));
	}

	@Test
	void rekeyIsTheFirst32BytesOfEncryptingZerosAtTheLastNonce() throws Exception {
		byte[] key = bytes(new Random(10), 32);
		CipherState state = new CipherState(NoiseCipher.AES_GCM, AeadImplementation.PURE_JAVA);
		state.initializeKey(key);
		state.rekey();
		byte[] newKey = Arrays.copyOf(bouncyCastleSeal(key, HEX.parseHex("00000000ffffffffffffffff"), null,
				new byte[32]), 32);
		byte[] plain = "after rekey".getBytes();
		byte[] out = new byte[plain.length + Aead.TAG_LENGTH];
		state.encryptWithAd(null, plain, 0, plain.length, out, 0);
		assertThat(out).isEqualTo(bouncyCastleSeal(newKey, new byte[12], null, plain));
	}

	@Test
	void handshakeSwitchedByBothSidesCompletesWithAesGcmTransport() throws NoiseException {
		NoiseHandshake initiator = NoiseHandshake.initiator(NoiseKeyPair.generate(), "p".getBytes(),
				AeadImplementation.PURE_JAVA);
		NoiseHandshake responder = NoiseHandshake.responder(NoiseKeyPair.generate(), "p".getBytes(),
				AeadImplementation.PURE_JAVA);
		byte[] first = initiator.writeMessage(null);
		initiator.useCipher(NoiseCipher.AES_GCM);
		responder.useCipher(NoiseCipher.AES_GCM);
		responder.readMessage(first);
		initiator.readMessage(responder.writeMessage(null));
		responder.readMessage(initiator.writeMessage(null));
		assertThat(initiator.handshakeHash()).isEqualTo(responder.handshakeHash());
		NoiseTransport i = initiator.split();
		NoiseTransport r = responder.split();
		assertThat(i.sender().cipher()).isEqualTo(NoiseCipher.AES_GCM);
		assertThat(NoiseVectorsTest.decrypt(r.receiver(), NoiseVectorsTest.encrypt(i.sender(), "hi".getBytes())))
			.isEqualTo("hi".getBytes());
	}

	@Test
	void sidesThatDisagreeOnTheCipherNeverCompleteTheHandshake() throws NoiseException {
		NoiseHandshake initiator = NoiseHandshake.initiator(NoiseKeyPair.generate(), null, AeadImplementation.PURE_JAVA);
		NoiseHandshake responder = NoiseHandshake.responder(NoiseKeyPair.generate(), null, AeadImplementation.PURE_JAVA);
		byte[] first = initiator.writeMessage(null);
		initiator.useCipher(NoiseCipher.AES_GCM);
		responder.readMessage(first);
		byte[] second = responder.writeMessage(null);
		assertThatThrownBy(() -> initiator.readMessage(second)).isInstanceOf(NoiseException.class)
			.hasMessage("decryption failed: bad tag");
	}

	@Test
	void cipherCannotChangeOnceThePeersFirstMessageWasRead() throws NoiseException {
		NoiseHandshake initiator = NoiseHandshake.initiator(NoiseKeyPair.generate(), null, AeadImplementation.PURE_JAVA);
		NoiseHandshake responder = NoiseHandshake.responder(NoiseKeyPair.generate(), null, AeadImplementation.PURE_JAVA);
		responder.readMessage(initiator.writeMessage(null));
		assertThatThrownBy(() -> responder.useCipher(NoiseCipher.AES_GCM)).isInstanceOf(IllegalStateException.class);
		initiator.readMessage(responder.writeMessage(null));
		assertThatThrownBy(() -> initiator.useCipher(NoiseCipher.AES_GCM)).isInstanceOf(IllegalStateException.class);
		assertThat(initiator.cipher()).isEqualTo(NoiseCipher.CHACHA_POLY);
	}

	@Test
	void hardwareAesRuleFollowsTheJvmAndCpu() {
		boolean cpu = Poly1305Intrinsic.cpuFlags().contains("aes")
				&& (Poly1305Intrinsic.cpuFlags().contains("pclmulqdq") || Poly1305Intrinsic.cpuFlags().contains("pmull"));
		assertThat(NoiseCipher.hardwareAesGcm()).isEqualTo(cpu);
	}

	private static byte[] bouncyCastleSeal(byte[] key, byte[] nonce, byte[] ad, byte[] plain)
			throws InvalidCipherTextException {
		GCMBlockCipher gcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
		gcm.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, ad));
		byte[] out = new byte[gcm.getOutputSize(plain.length)];
		int n = gcm.processBytes(plain, 0, plain.length, out, 0);
		gcm.doFinal(out, n);
		return out;
	}

	private static byte[] bytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

}
