package io.librats.mdns;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A domain name as a list of labels. Labels are kept whole, so a DNS-SD instance label may contain dots, spaces and
 * any UTF-8 (RFC 6763 section 4.3); on the wire each label is its UTF-8 bytes. Equality ignores ASCII case only, as
 * RFC 6762 section 16 asks.
 */
final class DnsName {

	/** RFC 1035: a label is at most 63 bytes. */
	static final int MAX_LABEL_BYTES = 63;

	/** RFC 1035: a name is at most 255 bytes on the wire (length bytes and the final zero included). */
	static final int MAX_NAME_BYTES = 255;

	static final DnsName ROOT = new DnsName(List.of());

	private final List<String> labels;

	private final String key;

	private DnsName(List<String> labels) {
		this.labels = labels;
		StringBuilder key = new StringBuilder();
		for (String label : labels) {
			key.append(asciiLower(label)).append('\u0000');
		}
		this.key = key.toString();
	}

	/** A name from labels; fails when a label is empty or too long, or the name is too long. */
	static DnsName of(List<String> labels) {
		int wire = 1;
		for (String label : labels) {
			int length = label.getBytes(StandardCharsets.UTF_8).length;
			if (length == 0 || length > MAX_LABEL_BYTES) {
				throw new IllegalArgumentException("DNS label of " + length + " bytes (1.." + MAX_LABEL_BYTES + "): '"
						+ label + "'");
			}
			wire += 1 + length;
		}
		if (wire > MAX_NAME_BYTES) {
			throw new IllegalArgumentException("DNS name of " + wire + " bytes, at most " + MAX_NAME_BYTES);
		}
		return new DnsName(List.copyOf(labels));
	}

	/** Parses a dotted name with no escapes, such as {@code _rats._tcp.local.}; a trailing dot is optional. */
	static DnsName parse(String dotted) {
		List<String> labels = new ArrayList<>();
		for (String label : dotted.split("\\.")) {
			if (!label.isEmpty()) {
				labels.add(label);
			}
		}
		return of(labels);
	}

	/** This name with {@code label} in front: an instance name under a service type. */
	DnsName prepend(String label) {
		List<String> longer = new ArrayList<>(this.labels.size() + 1);
		longer.add(label);
		longer.addAll(this.labels);
		return of(longer);
	}

	List<String> labels() {
		return Collections.unmodifiableList(this.labels);
	}

	/** The first label, or the empty string for the root. */
	String first() {
		return this.labels.isEmpty() ? "" : this.labels.get(0);
	}

	/** The name without its first label. */
	DnsName parent() {
		return this.labels.isEmpty() ? this : new DnsName(this.labels.subList(1, this.labels.size()));
	}

	/** Bytes this name takes uncompressed on the wire. */
	int wireLength() {
		int wire = 1;
		for (String label : this.labels) {
			wire += 1 + label.getBytes(StandardCharsets.UTF_8).length;
		}
		return wire;
	}

	/** The uncompressed wire form: length-prefixed UTF-8 labels and a zero byte. */
	byte[] toWire() {
		byte[] wire = new byte[wireLength()];
		int at = 0;
		for (String label : this.labels) {
			byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
			wire[at++] = (byte) bytes.length;
			System.arraycopy(bytes, 0, wire, at, bytes.length);
			at += bytes.length;
		}
		return wire;
	}

	/** A key equal for names that are equal (ASCII case folded). */
	String key() {
		return this.key;
	}

	private static String asciiLower(String label) {
		StringBuilder lower = null;
		for (int i = 0; i < label.length(); i++) {
			char c = label.charAt(i);
			if (c >= 'A' && c <= 'Z') {
				if (lower == null) {
					lower = new StringBuilder(label);
				}
				lower.setCharAt(i, (char) (c + 32));
			}
		}
		return (lower != null) ? lower.toString() : label;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof DnsName name && name.key.equals(this.key);
	}

	@Override
	public int hashCode() {
		return this.key.hashCode();
	}

	/** Dotted form with dots and backslashes inside labels escaped, as DNS-SD browsers show it. */
	@Override
	public String toString() {
		if (this.labels.isEmpty()) {
			return ".";
		}
		StringBuilder text = new StringBuilder();
		for (String label : this.labels) {
			text.append(label.replace("\\", "\\\\").replace(".", "\\.")).append('.');
		}
		return text.toString();
	}

}
