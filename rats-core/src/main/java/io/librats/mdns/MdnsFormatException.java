package io.librats.mdns;

/** A received mDNS packet that is not a well-formed DNS message; it is dropped and counted, never answered. */
final class MdnsFormatException extends Exception {

	private static final long serialVersionUID = 1L;

	MdnsFormatException(String message) {
		super(message, null, false, false);
	}

}
