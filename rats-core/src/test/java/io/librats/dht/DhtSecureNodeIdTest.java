package io.librats.dht;

import java.net.InetAddress;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** BEP 42, checked against the example table of the BEP itself (IP, rand, node id). */
class DhtSecureNodeIdTest {

	@ParameterizedTest
	@CsvSource({ "124.31.75.21, 1, 5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401",
			"21.75.31.124, 86, 5a3ce9c14e7a08645677bbd1cfe7d8f956d53256",
			"65.23.51.170, 22, a5d43220bc8f112a3d426c84764f8c2a1150e616",
			"84.124.73.14, 65, 1b0321dd1bb1fe518101ceef99462b947a01ff41",
			"43.213.53.83, 90, e56f6cbf5b7c4be0237986d5243b87aa6d51305a" })
	void bep42Examples(String ip, int rand, String expectedHex) throws Exception {
		InetAddress address = InetAddress.getByName(ip);
		NodeId expected = NodeId.fromHex(expectedHex);
		assertThat(SecureNodeId.isValid(expected, address, false)).isTrue();
		NodeId generated = SecureNodeId.generate(address, rand, new Random(rand));
		// the first 21 bits and the last byte are determined; the rest is random
		assertThat(generated.byteAt(0)).isEqualTo(expected.byteAt(0));
		assertThat(generated.byteAt(1)).isEqualTo(expected.byteAt(1));
		assertThat(generated.byteAt(2) & 0xf8).isEqualTo(expected.byteAt(2) & 0xf8);
		assertThat(generated.byteAt(19)).isEqualTo(rand);
		assertThat(SecureNodeId.isValid(generated, address, false)).isTrue();
		// the same id is not valid for another public address
		assertThat(SecureNodeId.isValid(expected, InetAddress.getByName("8.8.4.4"), false)).isFalse();
		// flipping the 21st bit breaks it, the 22nd does not
		byte[] bit21 = expected.toBytes();
		bit21[2] ^= 0x08;
		assertThat(SecureNodeId.isValid(NodeId.of(bit21), address, false)).isFalse();
		byte[] bit22 = expected.toBytes();
		bit22[2] ^= 0x04;
		assertThat(SecureNodeId.isValid(NodeId.of(bit22), address, false)).isTrue();
	}

	@Test
	void localAddressesAreExemptUnlessAskedOtherwise() throws Exception {
		NodeId any = NodeId.random(new Random(3));
		for (String ip : new String[] { "127.0.0.1", "127.5.6.7", "10.1.2.3", "172.16.9.9", "192.168.1.1",
				"169.254.3.3", "::1", "fd00::1" }) {
			InetAddress address = InetAddress.getByName(ip);
			assertThat(SecureNodeId.isExempt(address)).as(ip).isTrue();
			assertThat(SecureNodeId.isValid(any, address, false)).as(ip).isTrue();
		}
		InetAddress loopback = InetAddress.getByName("127.3.2.1");
		NodeId secure = SecureNodeId.generate(loopback, new Random(4));
		assertThat(SecureNodeId.isValid(secure, loopback, true)).isTrue();
		assertThat(SecureNodeId.isValid(SecureNodeId.generate(InetAddress.getByName("127.3.2.2"), 0, new Random(5)),
				InetAddress.getByName("127.200.2.1"), true)).isFalse();
		assertThat(SecureNodeId.isExempt(InetAddress.getByName("8.8.8.8"))).isFalse();
	}

	@Test
	void ipv6Ids() throws Exception {
		InetAddress address = InetAddress.getByName("2001:db8:1234:5678::1");
		Random random = new Random(9);
		for (int i = 0; i < 50; i++) {
			NodeId id = SecureNodeId.generate(address, random);
			assertThat(SecureNodeId.isValid(id, address, false)).isTrue();
		}
		assertThat(SecureNodeId.isValid(SecureNodeId.generate(address, 3, random),
				InetAddress.getByName("2001:db9:1234:5678::1"), false)).isFalse();
	}

}
