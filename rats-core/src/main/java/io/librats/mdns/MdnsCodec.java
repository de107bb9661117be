package io.librats.mdns;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * Our DNS message codec for mDNS. Encoding writes every section with name compression (RFC 1035 section 4.1.4)
 * of owner names and of the names inside PTR and SRV data, and labels as UTF-8. Decoding accepts compression
 * anywhere a name may be, including inside SRV and PTR data, and refuses, with {@link MdnsFormatException},
 * everything that is not a well-formed message: pointers that do not point strictly backwards (which rules out
 * loops), pointer chains longer than {@link #MAX_POINTERS}, names over 255 bytes, reserved label types, truncated
 * records, counts that cannot fit in the packet, and address, SRV or TXT data of the wrong shape.
 */
final class MdnsCodec {

	/** RFC 6762 section 17: an mDNS packet is at most 9,000 bytes including IP and UDP headers. */
	static final int MAX_PACKET = 9000;

	/** Compression pointers followed for one name at most; a name has at most 127 labels anyway. */
	static final int MAX_POINTERS = 127;

	private static final int HEADER = 12;

	/** Question: root name (1) + type + class. */
	private static final int MIN_QUESTION = 5;

	/** Record: root name (1) + type + class + TTL + rdlength. */
	private static final int MIN_RECORD = 11;

	private MdnsCodec() {
	}

	// --- decoding --------------------------------------------------------------------------------------------

	/** Decodes one packet, from its reader index to its writer index; the buffer's indexes are left as they were. */
	static MdnsMessage decode(ByteBuf packet) throws MdnsFormatException {
		ByteBuf in = packet.duplicate();
		int base = in.readerIndex();
		int length = in.readableBytes();
		if (length < HEADER) {
			throw new MdnsFormatException("packet of " + length + " bytes is shorter than a DNS header");
		}
		if (length > MAX_PACKET) {
			throw new MdnsFormatException("packet of " + length + " bytes exceeds " + MAX_PACKET);
		}
		// Work on a slice so that compression offsets are relative to the message start.
		in = in.slice(base, length);
		int id = in.readUnsignedShort();
		int flags = in.readUnsignedShort();
		int questionCount = in.readUnsignedShort();
		int answerCount = in.readUnsignedShort();
		int authorityCount = in.readUnsignedShort();
		int additionalCount = in.readUnsignedShort();
		long minimum = (long) questionCount * MIN_QUESTION
				+ (long) (answerCount + authorityCount + additionalCount) * MIN_RECORD;
		if (minimum > in.readableBytes()) {
			throw new MdnsFormatException("header counts " + questionCount + "/" + answerCount + "/" + authorityCount
					+ "/" + additionalCount + " cannot fit in " + length + " bytes");
		}
		List<MdnsQuestion> questions = new ArrayList<>(questionCount);
		for (int i = 0; i < questionCount; i++) {
			DnsName name = readName(in, 0);
			need(in, 4, "question");
			int type = in.readUnsignedShort();
			int qclass = in.readUnsignedShort();
			questions.add(new MdnsQuestion(name, type, qclass & 0x7FFF, (qclass & 0x8000) != 0));
		}
		List<MdnsRecord> answers = readRecords(in, answerCount);
		List<MdnsRecord> authorities = readRecords(in, authorityCount);
		List<MdnsRecord> additionals = readRecords(in, additionalCount);
		// Trailing bytes after the last record are tolerated, as by most resolvers.
		return new MdnsMessage(id, flags, questions, answers, authorities, additionals);
	}

	private static List<MdnsRecord> readRecords(ByteBuf in, int count) throws MdnsFormatException {
		List<MdnsRecord> records = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			records.add(readRecord(in));
		}
		return records;
	}

	private static MdnsRecord readRecord(ByteBuf in) throws MdnsFormatException {
		DnsName name = readName(in, 0);
		need(in, 10, "record header");
		int type = in.readUnsignedShort();
		int rrClass = in.readUnsignedShort();
		long ttl = in.readUnsignedInt();
		int rdLength = in.readUnsignedShort();
		need(in, rdLength, "record data");
		int start = in.readerIndex();
		int end = start + rdLength;
		byte[] rdata;
		if (type == MdnsRecord.PTR) {
			rdata = readName(in, end).toWire();
			expectEnd(in, end, "PTR");
		}
		else if (type == MdnsRecord.SRV) {
			if (rdLength < 7) {
				throw new MdnsFormatException("SRV data of " + rdLength + " bytes");
			}
			byte[] fixed = new byte[6];
			in.readBytes(fixed);
			byte[] target = readName(in, end).toWire();
			expectEnd(in, end, "SRV");
			rdata = new byte[6 + target.length];
			System.arraycopy(fixed, 0, rdata, 0, 6);
			System.arraycopy(target, 0, rdata, 6, target.length);
		}
		else {
			checkShape(type, in, start, rdLength);
			rdata = new byte[rdLength];
			in.readBytes(rdata);
		}
		in.readerIndex(end);
		return new MdnsRecord(name, type, rrClass & 0x7FFF, (rrClass & 0x8000) != 0, ttl, rdata);
	}

	private static void checkShape(int type, ByteBuf in, int start, int length) throws MdnsFormatException {
		if (type == MdnsRecord.A && length != 4) {
			throw new MdnsFormatException("A data of " + length + " bytes");
		}
		if (type == MdnsRecord.AAAA && length != 16) {
			throw new MdnsFormatException("AAAA data of " + length + " bytes");
		}
		if (type == MdnsRecord.TXT) {
			int at = 0;
			while (at < length) {
				at += 1 + in.getUnsignedByte(start + at);
			}
			if (at != length) {
				throw new MdnsFormatException("TXT strings overrun their record by " + (at - length) + " bytes");
			}
		}
	}

	private static void expectEnd(ByteBuf in, int end, String type) throws MdnsFormatException {
		if (in.readerIndex() != end) {
			throw new MdnsFormatException(type + " name does not fill its record data");
		}
	}

	private static void need(ByteBuf in, int bytes, String what) throws MdnsFormatException {
		if (in.readableBytes() < bytes) {
			throw new MdnsFormatException("truncated " + what + ": " + bytes + " bytes needed, "
					+ in.readableBytes() + " left");
		}
	}

	/**
	 * Reads a possibly compressed name at the reader index and advances past it. {@code limit}, when positive, is
	 * where the enclosing record data ends: the name's own bytes (not what pointers lead to) must end before it.
	 * Offsets of pointers are relative to index 0 of {@code in}, the message start.
	 */
	static DnsName readName(ByteBuf in, int limit) throws MdnsFormatException {
		int end = (limit > 0) ? limit : in.writerIndex();
		int position = in.readerIndex();
		int resumeAt = -1;
		int pointers = 0;
		int wireLength = 1;
		int lowestJumpFrom = position;
		List<String> labels = new ArrayList<>();
		while (true) {
			if (position >= end) {
				throw new MdnsFormatException("name runs past the end of its data");
			}
			int length = in.getUnsignedByte(position);
			if (length == 0) {
				position++;
				break;
			}
			int kind = length & 0xC0;
			if (kind == 0xC0) {
				if (position + 1 >= end) {
					throw new MdnsFormatException("truncated compression pointer");
				}
				int target = ((length & 0x3F) << 8) | in.getUnsignedByte(position + 1);
				// Strictly backwards from every label read so far: no loops, and no pointers forward.
				if (target >= lowestJumpFrom) {
					throw new MdnsFormatException("compression pointer to " + target + " does not point backwards");
				}
				if (++pointers > MAX_POINTERS) {
					throw new MdnsFormatException("more than " + MAX_POINTERS + " compression pointers in one name");
				}
				if (resumeAt < 0) {
					resumeAt = position + 2;
				}
				position = target;
				lowestJumpFrom = target;
				end = in.writerIndex();
				continue;
			}
			if (kind != 0) {
				throw new MdnsFormatException("reserved label type 0x" + Integer.toHexString(kind));
			}
			if (position + 1 + length > end) {
				throw new MdnsFormatException("label runs past the end of its data");
			}
			wireLength += 1 + length;
			if (wireLength > DnsName.MAX_NAME_BYTES) {
				throw new MdnsFormatException("name longer than " + DnsName.MAX_NAME_BYTES + " bytes");
			}
			labels.add(in.toString(position + 1, length, StandardCharsets.UTF_8));
			position += 1 + length;
		}
		in.readerIndex((resumeAt >= 0) ? resumeAt : position);
		try {
			return DnsName.of(labels);
		}
		catch (IllegalArgumentException ex) {
			// A label whose bytes are not UTF-8 can grow past 63 bytes once decoded and re-encoded.
			throw new MdnsFormatException("unusable name: " + ex.getMessage());
		}
	}

	// --- encoding --------------------------------------------------------------------------------------------

	/** Encodes a message; names are compressed against earlier names of the same message. */
	static byte[] encode(MdnsMessage message) {
		ByteBuf out = Unpooled.buffer(512);
		try {
			new Writer(out).message(message);
			byte[] bytes = new byte[out.readableBytes()];
			out.readBytes(bytes);
			return bytes;
		}
		finally {
			out.release();
		}
	}

	/** Encodes a message into a new buffer from {@code allocator}; the caller owns it. */
	static ByteBuf encode(MdnsMessage message, ByteBufAllocator allocator) {
		byte[] bytes = encode(message);
		ByteBuf out = allocator.buffer(bytes.length);
		out.writeBytes(bytes);
		return out;
	}

	/** Writes one message, remembering where each name suffix was written for later pointers. */
	private static final class Writer {

		private final ByteBuf out;

		private final Map<String, Integer> suffixes = new HashMap<>();

		Writer(ByteBuf out) {
			this.out = out;
		}

		void message(MdnsMessage message) {
			this.out.writeShort(message.id());
			this.out.writeShort(message.flags());
			this.out.writeShort(message.questions().size());
			this.out.writeShort(message.answers().size());
			this.out.writeShort(message.authorities().size());
			this.out.writeShort(message.additionals().size());
			for (MdnsQuestion question : message.questions()) {
				name(question.name());
				this.out.writeShort(question.type());
				this.out.writeShort(question.rrClass() | (question.unicastResponse() ? 0x8000 : 0));
			}
			for (List<MdnsRecord> section : List.of(message.answers(), message.authorities(), message.additionals())) {
				for (MdnsRecord record : section) {
					record(record);
				}
			}
		}

		private void record(MdnsRecord record) {
			name(record.name());
			this.out.writeShort(record.type());
			this.out.writeShort(record.rrClass() | (record.cacheFlush() ? 0x8000 : 0));
			this.out.writeInt((int) record.ttl());
			int lengthAt = this.out.writerIndex();
			this.out.writeShort(0);
			if (record.type() == MdnsRecord.PTR) {
				name(record.ptrTarget());
			}
			else if (record.type() == MdnsRecord.SRV) {
				this.out.writeBytes(record.rdata(), 0, 6);
				name(record.srvTarget());
			}
			else {
				this.out.writeBytes(record.rdata());
			}
			this.out.setShort(lengthAt, this.out.writerIndex() - lengthAt - 2);
		}

		private void name(DnsName name) {
			List<String> labels = name.labels();
			for (int i = 0; i < labels.size(); i++) {
				String suffix = suffixKey(labels, i);
				Integer earlier = this.suffixes.get(suffix);
				if (earlier != null) {
					this.out.writeShort(0xC000 | earlier);
					return;
				}
				int here = this.out.writerIndex();
				if (here <= 0x3FFF) {
					this.suffixes.put(suffix, here);
				}
				byte[] bytes = labels.get(i).getBytes(StandardCharsets.UTF_8);
				this.out.writeByte(bytes.length);
				this.out.writeBytes(bytes);
			}
			this.out.writeByte(0);
		}

		private static String suffixKey(List<String> labels, int from) {
			return DnsName.of(labels.subList(from, labels.size())).key();
		}

	}

}
