package io.librats.mdns;

import java.util.List;

/**
 * A DNS message as mDNS uses it (RFC 6762 section 18): header flags and all four sections. Queries may carry known
 * answers (section 7.1) and probes carry authority records (section 8.2), which is why this is not Netty's
 * {@code DnsQuery}: Netty's query encoder writes only questions and additional records.
 *
 * @param id the query id: zero in multicast messages, echoed in legacy unicast answers (section 6.7)
 * @param flags the header's second 16-bit word: QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE
 */
record MdnsMessage(int id, int flags, List<MdnsQuestion> questions, List<MdnsRecord> answers,
		List<MdnsRecord> authorities, List<MdnsRecord> additionals) {

	static final int FLAG_RESPONSE = 0x8000;

	static final int FLAG_AUTHORITATIVE = 0x0400;

	static final int FLAG_TRUNCATED = 0x0200;

	static final int OPCODE_MASK = 0x7800;

	static final int RCODE_MASK = 0x000F;

	MdnsMessage {
		questions = List.copyOf(questions);
		answers = List.copyOf(answers);
		authorities = List.copyOf(authorities);
		additionals = List.copyOf(additionals);
	}

	static MdnsMessage query(List<MdnsQuestion> questions, List<MdnsRecord> knownAnswers, List<MdnsRecord> authorities) {
		return new MdnsMessage(0, 0, questions, knownAnswers, authorities, List.of());
	}

	static MdnsMessage response(List<MdnsRecord> answers, List<MdnsRecord> additionals) {
		return new MdnsMessage(0, FLAG_RESPONSE | FLAG_AUTHORITATIVE, List.of(), answers, List.of(), additionals);
	}

	boolean isResponse() {
		return (this.flags & FLAG_RESPONSE) != 0;
	}

	boolean isTruncated() {
		return (this.flags & FLAG_TRUNCATED) != 0;
	}

	/** RFC 6762 section 18.3 and 18.11: messages with a non-zero opcode or rcode are silently ignored. */
	boolean isStandard() {
		return (this.flags & OPCODE_MASK) == 0 && (this.flags & RCODE_MASK) == 0;
	}

	/** A probe: a query with records in its authority section (section 8.2). */
	boolean isProbe() {
		return !isResponse() && !this.authorities.isEmpty();
	}

}
