package io.librats.stun;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared by the seeded mutation test and the fuzz test: decoding arbitrary bytes either works or fails cleanly. */
public final class StunCodecChecks {

	private StunCodecChecks() {
	}

	/**
	 * Decodes {@code input} as STUN and as ChannelData, reads every typed attribute, verifies integrity with a fixed key
	 * and re-encodes what decoded; the only exception allowed is {@link StunException}.
	 */
	public static void decodeAndReadEverything(byte[] input) {
		try {
			StunMessage message = StunMessage.decode(input);
			assertThat(message.length()).isEqualTo(input.length);
			readQuietly(message);
			StunMessage.Builder copy = StunMessage.builder(message.method(), message.messageClass(),
					message.transactionId());
			message.attributes().forEach((attribute) -> copy.add(attribute.type(), attribute.value()));
			assertThat(StunMessage.decode(copy.build().toBytes()).method()).isEqualTo(message.method());
		}
		catch (StunException expected) {
			assertThat(expected.getMessage()).isNotBlank();
		}
		try {
			ChannelData.decode(input, 0, input.length);
		}
		catch (StunException expected) {
			assertThat(expected.getMessage()).isNotBlank();
		}
	}

	private static void readQuietly(StunMessage message) {
		int[] addresses = { StunAttribute.XOR_MAPPED_ADDRESS, StunAttribute.XOR_PEER_ADDRESS,
				StunAttribute.XOR_RELAYED_ADDRESS };
		for (int type : addresses) {
			try {
				message.xorAddress(type);
			}
			catch (StunException expected) {
				assertThat(expected.getMessage()).isNotBlank();
			}
		}
		for (int type : new int[] { StunAttribute.MAPPED_ADDRESS, StunAttribute.OTHER_ADDRESS,
				StunAttribute.RESPONSE_ORIGIN }) {
			try {
				message.address(type);
			}
			catch (StunException expected) {
				assertThat(expected.getMessage()).isNotBlank();
			}
		}
		for (int type : new int[] { StunAttribute.LIFETIME, StunAttribute.CONNECTION_ID, StunAttribute.CHANNEL_NUMBER }) {
			try {
				message.u32(type);
			}
			catch (StunException expected) {
				assertThat(expected.getMessage()).isNotBlank();
			}
		}
		try {
			message.error();
			message.unknownAttributesListed();
		}
		catch (StunException expected) {
			assertThat(expected.getMessage()).isNotBlank();
		}
		try {
			message.verifyIntegrity(new byte[] { 1, 2, 3 });
		}
		catch (StunException expected) {
			assertThat(expected.getMessage()).isNotBlank();
		}
		message.unknownRequiredAttributes();
		message.string(StunAttribute.SOFTWARE);
	}

}
