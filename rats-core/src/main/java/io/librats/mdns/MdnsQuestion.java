package io.librats.mdns;

/**
 * One question of a DNS message.
 *
 * @param name the name asked about
 * @param type the record type asked for (255 = ANY)
 * @param rrClass the class without the top bit (1 = IN)
 * @param unicastResponse the top bit of the class: the asker prefers a unicast answer (QU, RFC 6762 section 5.4)
 */
record MdnsQuestion(DnsName name, int type, int rrClass, boolean unicastResponse) {

	static final int ANY = 255;

	/** Whether a record of this name and type answers this question. */
	boolean matches(MdnsRecord record) {
		return (this.rrClass == MdnsRecord.CLASS_IN || this.rrClass == ANY) && (this.type == ANY || this.type == record.type())
				&& this.name.equals(record.name());
	}

}
