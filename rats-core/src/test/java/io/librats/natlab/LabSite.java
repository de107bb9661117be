package io.librats.natlab;

import java.util.List;

import io.librats.testsupport.netns.Netns;

/**
 * One client site of a {@link NatLab}: a host namespace behind zero, one or two {@link LabRouter}s. Closing it
 * removes the host and its routers.
 *
 * @param kind the NAT behaviour the site sits behind
 * @param host the namespace where the site's programs run
 * @param hostAddress the host's own address
 * @param routers the routers from the internet side inwards; empty for {@link NatKind#OPEN}
 */
public record LabSite(NatKind kind, Netns host, String hostAddress, List<LabRouter> routers) implements AutoCloseable {

	/** The router that faces the lab internet. */
	public LabRouter edgeRouter() {
		if (this.routers.isEmpty()) {
			throw new IllegalStateException("an open site has no router");
		}
		return this.routers.get(0);
	}

	/** The site's address on the lab internet: its edge router's WAN, or the host itself when open. */
	public String publicAddress() {
		return this.routers.isEmpty() ? this.hostAddress : edgeRouter().wanAddress();
	}

	/** Forgets, on every router of the site, the addresses an address-restricted cone was opened to. */
	public void forgetContactedAddresses() {
		this.routers.forEach(LabRouter::forgetContactedAddresses);
	}

	@Override
	public void close() {
		this.host.close();
		this.routers.forEach(LabRouter::close);
	}

	@Override
	public String toString() {
		return this.kind + " site " + this.host + " (" + this.hostAddress + " as " + publicAddress() + ")";
	}

}
