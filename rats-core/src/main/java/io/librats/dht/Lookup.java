package io.librats.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One iterative Kademlia lookup ({@code find_node} or {@code get_peers}) towards a target: up to {@code alpha}
 * queries in flight, always to the closest candidates not yet asked. It ends when the {@code k} closest candidates
 * that did not fail have all answered (nothing closer is left to ask), or when nothing is in flight and nothing is
 * left to ask, or after {@code maxQueries} queries. Every query times out, so a lookup always ends.
 *
 * <p>A {@code get_peers} lookup also collects the peers ({@code values}) and the write token of each node that
 * answered, for a following announce. Not thread-safe: runs on the node's event loop.
 */
final class Lookup {

	enum Kind {
		FIND_NODE, GET_PEERS
	}

	/** How to reach the network: implemented by the node. */
	interface Querier {

		/** Sends a query; {@code false} when it cannot be sent now (outstanding limit). */
		boolean query(InetSocketAddress to, NodeId expectedId, String method, Map<String, Object> args,
				Transactions.Callback callback);

		NodeId selfId();

		/** Whether we talk IPv6 ({@code nodes6}) or IPv4 ({@code nodes}). */
		boolean ipv6();

	}

	/**
	 * @param closest up to k closest nodes that answered, closest first
	 * @param tokens write tokens of those of them that gave one (get_peers)
	 * @param peers peers found (get_peers), in discovery order
	 * @param queries queries sent
	 * @param responses answers received
	 */
	record Result(List<Contact> closest, Map<Contact, byte[]> tokens, List<InetSocketAddress> peers, int queries,
			int responses) {
	}

	/** Candidates kept, closest first; farther ones are forgotten. */
	static final int MAX_CANDIDATES = 64;

	/** Peers collected by one lookup at most. */
	static final int MAX_PEERS = 1000;

	static final int MAX_TOKEN = 64;

	private enum State {
		FRESH, IN_FLIGHT, RESPONDED, FAILED
	}

	private static final class Candidate {

		Contact contact;

		State state = State.FRESH;

		byte[] token;

		Candidate(Contact contact) {
			this.contact = contact;
		}

	}

	private final Kind kind;

	private final NodeId target;

	private final Querier querier;

	private final int alpha;

	private final int k;

	private final int maxQueries;

	private final Consumer<Result> done;

	/** Sorted by distance to the target, closest first. */
	private final List<Candidate> candidates = new ArrayList<>();

	/** Every address ever seen, so no node is asked twice. */
	private final Set<InetSocketAddress> seen = new java.util.HashSet<>();

	private final Map<InetSocketAddress, Candidate> byAddress = new HashMap<>();

	private final Set<InetSocketAddress> peers = new LinkedHashSet<>();

	private int inFlight;

	private int queries;

	private int responses;

	private boolean finished;

	Lookup(Kind kind, NodeId target, Querier querier, int alpha, int k, int maxQueries, Consumer<Result> done) {
		this.kind = kind;
		this.target = target;
		this.querier = querier;
		this.alpha = alpha;
		this.k = k;
		this.maxQueries = maxQueries;
		this.done = done;
	}

	NodeId target() {
		return this.target;
	}

	/**
	 * Starts from the closest nodes we know and from addresses whose id we do not know yet (bootstrap routers,
	 * persisted nodes), which are asked first.
	 */
	void start(List<Contact> seeds, List<InetSocketAddress> unknownIds) {
		for (Contact seed : seeds) {
			addCandidate(seed);
		}
		for (InetSocketAddress address : unknownIds) {
			if (this.queries >= this.maxQueries) {
				break;
			}
			if (this.seen.add(address)) {
				send(address, null);
			}
		}
		step();
	}

	private void step() {
		if (this.finished) {
			return;
		}
		while (this.inFlight < this.alpha && this.queries < this.maxQueries) {
			Candidate next = nextToAsk();
			if (next == null) {
				break;
			}
			next.state = State.IN_FLIGHT;
			if (!send(next.contact.address(), next)) {
				next.state = State.FAILED;
			}
		}
		if (this.inFlight == 0) {
			finish();
		}
	}

	/** The closest fresh candidate, if fewer than k answered candidates are closer than it. */
	private Candidate nextToAsk() {
		int answered = 0;
		for (Candidate candidate : this.candidates) {
			if (candidate.state == State.RESPONDED && ++answered >= this.k) {
				return null;
			}
			if (candidate.state == State.FRESH) {
				return candidate;
			}
		}
		return null;
	}

	private boolean send(InetSocketAddress to, Candidate candidate) {
		Map<String, Object> args = new LinkedHashMap<>();
		args.put("id", this.querier.selfId().toBytes());
		String method;
		if (this.kind == Kind.GET_PEERS) {
			method = Krpc.GET_PEERS;
			args.put("info_hash", this.target.toBytes());
		}
		else {
			method = Krpc.FIND_NODE;
			args.put("target", this.target.toBytes());
		}
		args.put("want", List.of(this.querier.ipv6() ? "n6" : "n4"));
		NodeId expected = (candidate != null) ? candidate.contact.id() : null;
		boolean sent = this.querier.query(to, expected, method, args, new Transactions.Callback() {
			@Override
			public void response(Krpc.Response response, InetSocketAddress from) {
				onResponse(from, candidate, response);
			}

			@Override
			public void error(Krpc.Error error) {
				onFailure(candidate);
			}

			@Override
			public void timeout() {
				onFailure(candidate);
			}
		});
		if (sent) {
			this.inFlight++;
			this.queries++;
		}
		return sent;
	}

	private void onResponse(InetSocketAddress from, Candidate candidate, Krpc.Response response) {
		this.inFlight--;
		this.responses++;
		Candidate answered = candidate;
		Contact responder = new Contact(response.id(), from);
		if (answered == null || !answered.contact.id().equals(response.id())) {
			// an address we knew without (the right) id: it is a candidate under the id it gave
			if (answered != null) {
				answered.state = State.FAILED;
			}
			answered = (response.id().equals(this.querier.selfId())) ? null : insert(responder);
		}
		if (answered != null) {
			answered.state = State.RESPONDED;
			if (this.kind == Kind.GET_PEERS && response.values().get("token") instanceof byte[] token
					&& token.length > 0 && token.length <= MAX_TOKEN) {
				answered.token = token;
			}
		}
		if (response.values().get(this.querier.ipv6() ? "nodes6" : "nodes") instanceof byte[] nodes) {
			List<Contact> contacts = Compact.parseNodes(nodes, this.querier.ipv6());
			if (contacts != null) {
				for (Contact contact : contacts) {
					addCandidate(contact);
				}
			}
		}
		if (this.kind == Kind.GET_PEERS && response.values().get("values") instanceof List<?> values) {
			for (Object value : values) {
				if (this.peers.size() >= MAX_PEERS) {
					break;
				}
				if (value instanceof byte[] bytes) {
					InetSocketAddress peer = Compact.parsePeer(bytes);
					if (peer != null) {
						this.peers.add(peer);
					}
				}
			}
		}
		step();
	}

	private void onFailure(Candidate candidate) {
		this.inFlight--;
		if (candidate != null) {
			candidate.state = State.FAILED;
		}
		step();
	}

	private void addCandidate(Contact contact) {
		if (contact.id().equals(this.querier.selfId()) || Compact.isIpv6(contact.address()) != this.querier.ipv6()
				|| !this.seen.add(contact.address())) {
			return;
		}
		insert(contact);
	}

	/** Inserts in distance order and forgets the farthest fresh candidates beyond the limit. */
	private Candidate insert(Contact contact) {
		Candidate existing = this.byAddress.get(contact.address());
		if (existing != null && existing.contact.id().equals(contact.id())) {
			return existing;
		}
		Candidate candidate = new Candidate(contact);
		int low = 0;
		int high = this.candidates.size();
		while (low < high) {
			int mid = (low + high) >>> 1;
			if (NodeId.closerTo(this.target, this.candidates.get(mid).contact.id(), contact.id()) <= 0) {
				low = mid + 1;
			}
			else {
				high = mid;
			}
		}
		this.candidates.add(low, candidate);
		this.byAddress.put(contact.address(), candidate);
		for (int i = this.candidates.size() - 1; i >= MAX_CANDIDATES; i--) {
			Candidate far = this.candidates.get(i);
			if (far.state == State.FRESH) {
				this.candidates.remove(i);
				this.byAddress.remove(far.contact.address(), far);
			}
		}
		return candidate;
	}

	private void finish() {
		if (this.finished) {
			return;
		}
		this.finished = true;
		List<Contact> closest = new ArrayList<>(this.k);
		Map<Contact, byte[]> tokens = new LinkedHashMap<>();
		for (Candidate candidate : this.candidates) {
			if (closest.size() >= this.k) {
				break;
			}
			if (candidate.state == State.RESPONDED) {
				closest.add(candidate.contact);
				if (candidate.token != null) {
					tokens.put(candidate.contact, candidate.token);
				}
			}
		}
		this.done.accept(new Result(closest, tokens, new ArrayList<>(this.peers), this.queries, this.responses));
	}

}
