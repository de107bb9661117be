package io.librats.natlab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.librats.testsupport.netns.LanSwitch;
import io.librats.testsupport.netns.Netns;
import io.librats.testsupport.netns.VethLink;

/**
 * A NAT lab in network namespaces: a lab "internet" (one {@link LanSwitch} segment, {@value #INTERNET}), coturn on
 * its two server addresses, and client sites behind routers of a chosen {@link NatKind}. Everything has a unique
 * name and is removed on {@link #close()} (or by the namespaces' shutdown hook). docs/nat-lab.md draws the topology.
 */
public final class NatLab implements AutoCloseable {

	/** The lab internet: a documentation prefix (RFC 5737), so nothing in it can be mistaken for a real host. */
	public static final String INTERNET = "198.51.100.0/24";

	/** Both coturn addresses: the counting rules use it to tell relay traffic from everything else. */
	public static final String RELAY_ADDRESSES = "198.51.100.0/30";

	private static final String PRIMARY = "198.51.100.1";

	private static final String SECONDARY = "198.51.100.2";

	/** A next hop on the internet segment whose MAC nobody owns: packets to private ranges vanish there. */
	private static final String BLACK_HOLE = "198.51.100.254";

	private static final String BLACK_HOLE_MAC = "02:00:5e:00:00:fe";

	private static final String[] PRIVATE_RANGES = { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16" };

	private final LanSwitch internet;

	private final Netns relay;

	private final LabCoturn coturn;

	private final List<LabSite> sites = new ArrayList<>();

	private int nextSite = 1;

	private NatLab(LanSwitch internet, Netns relay, LabCoturn coturn) {
		this.internet = internet;
		this.relay = relay;
		this.coturn = coturn;
	}

	/** Builds the internet and starts coturn granting allocations of at most {@code maxAllocateLifetime}. */
	public static NatLab start(Duration maxAllocateLifetime) {
		LanSwitch internet = LanSwitch.create("nl-inet");
		Netns relay = null;
		try {
			relay = Netns.create("nl-turn");
			internet.attach(relay, "eth0", PRIMARY + "/24", SECONDARY + "/24");
			// Like the real internet, the lab has no route to private addresses, and it says nothing about it: an
			// ICMP "unreachable" would make coturn drop a whole allocation when a peer names a private address.
			relay.exec("ip", "neigh", "add", BLACK_HOLE, "lladdr", BLACK_HOLE_MAC, "dev", "eth0", "nud", "permanent");
			for (String range : PRIVATE_RANGES) {
				relay.exec("ip", "route", "add", range, "via", BLACK_HOLE);
			}
			return new NatLab(internet, relay, LabCoturn.start(relay, PRIMARY, SECONDARY, maxAllocateLifetime));
		}
		catch (RuntimeException | Error ex) {
			if (relay != null) {
				relay.close();
			}
			internet.close();
			throw ex;
		}
	}

	public LabCoturn coturn() {
		return this.coturn;
	}

	/** The relay namespace, where coturn runs. */
	public Netns relay() {
		return this.relay;
	}

	/**
	 * Adds a site behind a NAT of the given kind. Site {@code n} uses {@code 198.51.100.(10+n)} on the internet and
	 * {@code 10.n.0.0/24} (and {@code 10.n.1.0/24} behind a second router) inside.
	 */
	public synchronized LabSite site(NatKind kind) {
		int n = this.nextSite++;
		if (n > 200) {
			throw new IllegalStateException("a lab has room for 200 sites");
		}
		String wan = "198.51.100." + (10 + n);
		String label = "nl-s" + n;
		Netns host = Netns.create(label + "-host");
		List<LabRouter> routers = new ArrayList<>();
		LabSite site;
		try {
			if (kind == NatKind.OPEN) {
				this.internet.attach(host, "eth0", wan + "/24");
				site = new LabSite(kind, host, wan, List.of());
			}
			else {
				LabRouter edge = router(label + "-rtr", wan);
				routers.add(edge);
				String hostAddress = "10." + n + ".0.2";
				LabRouter inner = null;
				if (kind == NatKind.DOUBLE_NAT) {
					inner = new LabRouter(Netns.create(label + "-rtr2"), hostAddress);
					routers.add(inner);
					lan(edge, "10." + n + ".0.1", inner.netns(), hostAddress, LabRouter.WAN);
					hostAddress = "10." + n + ".1.2";
					lan(inner, "10." + n + ".1.1", host, hostAddress, "eth0");
					inner.applyNat(kind, hostAddress);
					edge.applyNat(kind, inner.wanAddress());
				}
				else {
					lan(edge, "10." + n + ".0.1", host, hostAddress, "eth0");
					edge.applyNat(kind, hostAddress);
				}
				site = new LabSite(kind, host, hostAddress, List.copyOf(routers));
			}
		}
		catch (RuntimeException | Error ex) {
			host.close();
			routers.forEach(LabRouter::close);
			throw ex;
		}
		this.sites.add(site);
		return site;
	}

	private LabRouter router(String label, String wan) {
		Netns netns = Netns.create(label);
		try {
			this.internet.attach(netns, LabRouter.WAN, wan + "/24");
			return new LabRouter(netns, wan);
		}
		catch (RuntimeException | Error ex) {
			netns.close();
			throw ex;
		}
	}

	/** Links a router's LAN side to the next box inwards, whose default route then points at the router. */
	private static void lan(LabRouter router, String routerAddress, Netns inside, String insideAddress,
			String insideIf) {
		VethLink.connect(router.netns(), LabRouter.LAN, routerAddress + "/24", inside, insideIf, insideAddress + "/24");
		inside.exec("ip", "route", "add", "default", "via", routerAddress);
	}

	@Override
	public synchronized void close() {
		this.sites.forEach(LabSite::close);
		this.sites.clear();
		this.coturn.close();
		this.relay.close();
		this.internet.close();
	}

}
