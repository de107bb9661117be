package io.librats.dht;

import java.net.InetSocketAddress;
import java.util.Objects;

/** A DHT node as other nodes tell it: its id and its UDP address (resolved, never a host name). */
record Contact(NodeId id, InetSocketAddress address) {

	Contact {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(address, "address");
		if (address.isUnresolved()) {
			throw new IllegalArgumentException("contact address must be resolved: " + address);
		}
	}

	@Override
	public String toString() {
		return this.id.toHex().substring(0, 8) + "@" + Compact.format(this.address);
	}

}
