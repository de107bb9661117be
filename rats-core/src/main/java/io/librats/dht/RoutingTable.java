package io.librats.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The Kademlia routing table of BEP 5 for one address family: buckets of at most {@link #K} nodes, only the bucket
 * that contains our own id is split, and each bucket keeps a bounded replacement cache.
 *
 * <p>Bucket {@code i} below the last holds nodes whose id shares exactly {@code i} leading bits with ours; the last
 * bucket holds every node sharing at least as many (it contains our own id). Only nodes that have answered one of
 * our queries are admitted; nodes that merely queried us are recorded only if already present.
 *
 * <p>Node states follow BEP 5: <em>good</em> if it answered us within {@link #GOOD_FOR_MILLIS} or ever answered and
 * queried us within that time, <em>bad</em> after {@link #MAX_FAILURES} unanswered queries in a row, otherwise
 * <em>questionable</em>. A full bucket takes a newcomer in place of a bad node; otherwise the newcomer waits in the
 * replacement cache, and the caller is asked to ping the least recently seen questionable node (whose failure then
 * makes room).
 *
 * <p>Not thread-safe: owned by one event loop. Times are caller-supplied milliseconds, so tests control the clock.
 */
final class RoutingTable {

	static final int K = 8;

	static final long GOOD_FOR_MILLIS = 15 * 60 * 1000L;

	static final int MAX_FAILURES = 2;

	enum State {
		GOOD, QUESTIONABLE, BAD
	}

	/** What {@link #responded} did with a node. */
	enum Outcome {
		/** Already present; its liveness was refreshed. */
		UPDATED,
		/** Added to a bucket (possibly after splitting, or in place of a bad node). */
		ADDED,
		/** Bucket full of live nodes: kept in the replacement cache. */
		CACHED,
		/** Refused by the admission policy, or ourselves. */
		REFUSED
	}

	/** One node in a bucket or replacement cache. Mutable; owned by the table. */
	static final class Entry {

		private Contact contact;

		private long lastResponse;

		private long lastQuery;

		private int failures;

		Entry(Contact contact, long now) {
			this.contact = contact;
			this.lastResponse = now;
			this.lastQuery = Long.MIN_VALUE / 2;
		}

		Contact contact() {
			return this.contact;
		}

		long lastResponse() {
			return this.lastResponse;
		}

		int failures() {
			return this.failures;
		}

		long lastSeen() {
			return Math.max(this.lastResponse, this.lastQuery);
		}

		State state(long now) {
			if (this.failures >= MAX_FAILURES) {
				return State.BAD;
			}
			// every entry has answered at least once: only responders are admitted
			if (now - this.lastResponse < GOOD_FOR_MILLIS || now - this.lastQuery < GOOD_FOR_MILLIS) {
				return State.GOOD;
			}
			return State.QUESTIONABLE;
		}

	}

	static final class Bucket {

		final List<Entry> entries = new ArrayList<>(K);

		final List<Entry> replacements = new ArrayList<>();

		long lastChanged;

		Bucket(long now) {
			this.lastChanged = now;
		}

		Entry find(NodeId id) {
			for (Entry entry : this.entries) {
				if (entry.contact.id().equals(id)) {
					return entry;
				}
			}
			return null;
		}

	}

	private final NodeId self;

	private final int replacementCacheSize;

	private final boolean oneNodePerIp;

	private final Predicate<Contact> admission;

	private final List<Bucket> buckets = new ArrayList<>();

	/** Number of table entries (not replacements) per IP, to enforce {@code oneNodePerIp}. */
	private final Map<InetAddress, Integer> ips = new HashMap<>();

	/**
	 * @param self our node id
	 * @param replacementCacheSize replacement cache entries per bucket
	 * @param oneNodePerIp admit at most one node per IP address (Sybil resistance; off when nodes share an IP)
	 * @param admission further admission policy (for example BEP 42 id checks); {@code true} admits
	 */
	RoutingTable(NodeId self, int replacementCacheSize, boolean oneNodePerIp, Predicate<Contact> admission, long now) {
		this.self = self;
		this.replacementCacheSize = replacementCacheSize;
		this.oneNodePerIp = oneNodePerIp;
		this.admission = admission;
		this.buckets.add(new Bucket(now));
	}

	NodeId self() {
		return this.self;
	}

	int bucketCount() {
		return this.buckets.size();
	}

	List<Bucket> buckets() {
		return this.buckets;
	}

	int bucketIndex(NodeId id) {
		return Math.min(this.self.commonPrefixLength(id), this.buckets.size() - 1);
	}

	Entry find(NodeId id) {
		return this.buckets.get(bucketIndex(id)).find(id);
	}

	int size() {
		int size = 0;
		for (Bucket bucket : this.buckets) {
			size += bucket.entries.size();
		}
		return size;
	}

	/** The node answered one of our queries. */
	Outcome responded(Contact contact, long now) {
		if (contact.id().equals(this.self) || !this.admission.test(contact)) {
			return Outcome.REFUSED;
		}
		while (true) {
			int index = bucketIndex(contact.id());
			Bucket bucket = this.buckets.get(index);
			Entry existing = bucket.find(contact.id());
			if (existing != null) {
				if (!existing.contact.address().equals(contact.address())) {
					if (existing.state(now) != State.BAD) {
						return Outcome.REFUSED; // an id does not move while its old address still answers
					}
					untrackIp(existing.contact);
					if (!trackIp(contact)) {
						bucket.entries.remove(existing);
						return Outcome.REFUSED;
					}
					existing.contact = contact;
				}
				existing.lastResponse = now;
				existing.failures = 0;
				bucket.lastChanged = now;
				return Outcome.UPDATED;
			}
			if (this.oneNodePerIp && this.ips.containsKey(contact.address().getAddress())) {
				return Outcome.REFUSED;
			}
			if (bucket.entries.size() < K) {
				add(bucket, contact, now);
				return Outcome.ADDED;
			}
			Entry bad = worst(bucket, now);
			if (bad != null && bad.state(now) == State.BAD) {
				bucket.entries.remove(bad);
				untrackIp(bad.contact);
				add(bucket, contact, now);
				return Outcome.ADDED;
			}
			if (index == this.buckets.size() - 1 && this.buckets.size() < NodeId.BITS) {
				split(now);
				continue;
			}
			cache(bucket, contact, now);
			return Outcome.CACHED;
		}
	}

	/** The node sent us a query; only refreshes a node already in the table. */
	void queried(Contact contact, long now) {
		Entry entry = find(contact.id());
		if (entry != null && entry.contact.address().equals(contact.address())) {
			entry.lastQuery = now;
		}
	}

	/**
	 * A query to this node went unanswered. When it turns bad and its bucket has a replacement, the freshest
	 * replacement takes its place.
	 */
	void failed(NodeId id, InetSocketAddress address, long now) {
		Bucket bucket = this.buckets.get(bucketIndex(id));
		Entry entry = bucket.find(id);
		if (entry == null || !entry.contact.address().equals(address)) {
			bucket.replacements.removeIf((replacement) -> replacement.contact.id().equals(id));
			return;
		}
		entry.failures++;
		if (entry.state(now) == State.BAD && !bucket.replacements.isEmpty()) {
			Entry replacement = takeReplacement(bucket);
			if (replacement != null) {
				bucket.entries.remove(entry);
				untrackIp(entry.contact);
				bucket.entries.add(replacement);
				trackIp(replacement.contact);
				bucket.lastChanged = now;
			}
		}
	}

	/** The least recently seen questionable node of the bucket {@code id} falls in, for the caller to ping. */
	Contact questionableToPing(NodeId id, long now) {
		Bucket bucket = this.buckets.get(bucketIndex(id));
		Entry oldest = null;
		for (Entry entry : bucket.entries) {
			if (entry.state(now) == State.QUESTIONABLE && (oldest == null || entry.lastSeen() < oldest.lastSeen())) {
				oldest = entry;
			}
		}
		return (oldest != null) ? oldest.contact : null;
	}

	/** Every questionable node, least recently seen first (maintenance pings). */
	List<Contact> questionable(long now) {
		List<Entry> found = new ArrayList<>();
		for (Bucket bucket : this.buckets) {
			for (Entry entry : bucket.entries) {
				if (entry.state(now) == State.QUESTIONABLE) {
					found.add(entry);
				}
			}
		}
		found.sort(Comparator.comparingLong(Entry::lastSeen));
		List<Contact> out = new ArrayList<>(found.size());
		for (Entry entry : found) {
			out.add(entry.contact);
		}
		return out;
	}

	/** Up to {@code count} nodes that are not bad, closest to {@code target} first. */
	List<Contact> closest(NodeId target, int count, long now) {
		List<Contact> all = new ArrayList<>();
		for (Bucket bucket : this.buckets) {
			for (Entry entry : bucket.entries) {
				if (entry.state(now) != State.BAD) {
					all.add(entry.contact);
				}
			}
		}
		all.sort((a, b) -> NodeId.closerTo(target, a.id(), b.id()));
		return (all.size() > count) ? new ArrayList<>(all.subList(0, count)) : all;
	}

	/** Every node in the table (for persistence and rebuilding). */
	List<Contact> contacts() {
		List<Contact> all = new ArrayList<>();
		for (Bucket bucket : this.buckets) {
			for (Entry entry : bucket.entries) {
				all.add(entry.contact);
			}
		}
		return all;
	}

	/** Targets for buckets not changed for {@code refreshAfter} ms: a random id within each such bucket. */
	List<NodeId> refreshTargets(long now, long refreshAfter, Random random) {
		List<NodeId> targets = new ArrayList<>();
		for (int i = 0; i < this.buckets.size(); i++) {
			Bucket bucket = this.buckets.get(i);
			if (now - bucket.lastChanged >= refreshAfter) {
				targets.add(randomIdInBucket(i, random));
				bucket.lastChanged = now;
			}
		}
		return targets;
	}

	/** A random id that falls into bucket {@code index}. */
	NodeId randomIdInBucket(int index, Random random) {
		if (index == this.buckets.size() - 1) {
			return this.self.randomWithPrefix(index, random);
		}
		NodeId id = this.self.randomWithPrefix(index + 1, random);
		byte[] bytes = id.toBytes();
		bytes[index >> 3] ^= (byte) (0x80 >>> (index & 7));
		return NodeId.of(bytes);
	}

	/** Counts for stats: [nodes, good, questionable, bad, replacements]. */
	int[] counts(long now) {
		int[] counts = new int[5];
		for (Bucket bucket : this.buckets) {
			counts[4] += bucket.replacements.size();
			for (Entry entry : bucket.entries) {
				counts[0]++;
				counts[1 + entry.state(now).ordinal()]++;
			}
		}
		return counts;
	}

	private void add(Bucket bucket, Contact contact, long now) {
		Entry entry = new Entry(contact, now);
		bucket.entries.add(entry);
		trackIp(contact);
		bucket.replacements.removeIf((replacement) -> replacement.contact.id().equals(contact.id()));
		bucket.lastChanged = now;
	}

	private static Entry worst(Bucket bucket, long now) {
		Entry worst = null;
		for (Entry entry : bucket.entries) {
			if (worst == null || entry.failures > worst.failures
					|| (entry.failures == worst.failures && entry.lastSeen() < worst.lastSeen())) {
				worst = entry;
			}
		}
		return worst;
	}

	private void cache(Bucket bucket, Contact contact, long now) {
		Iterator<Entry> it = bucket.replacements.iterator();
		while (it.hasNext()) {
			if (it.next().contact.id().equals(contact.id())) {
				it.remove();
			}
		}
		Entry entry = new Entry(contact, now);
		bucket.replacements.add(entry);
		while (bucket.replacements.size() > this.replacementCacheSize) {
			bucket.replacements.remove(0);
		}
	}

	/** The most recently heard replacement whose IP is not already in the table (if that is enforced). */
	private Entry takeReplacement(Bucket bucket) {
		for (int i = bucket.replacements.size() - 1; i >= 0; i--) {
			Entry candidate = bucket.replacements.get(i);
			if (!this.oneNodePerIp || !this.ips.containsKey(candidate.contact.address().getAddress())) {
				bucket.replacements.remove(i);
				return candidate;
			}
		}
		return null;
	}

	/** Splits the last bucket: nodes sharing exactly {@code last} bits with us stay, the rest move on. */
	private void split(long now) {
		int last = this.buckets.size() - 1;
		Bucket old = this.buckets.get(last);
		Bucket next = new Bucket(now);
		this.buckets.add(next);
		moveFurther(old.entries, next.entries, last);
		moveFurther(old.replacements, next.replacements, last);
		old.lastChanged = now;
	}

	private void moveFurther(List<Entry> from, List<Entry> to, int index) {
		Iterator<Entry> it = from.iterator();
		while (it.hasNext()) {
			Entry entry = it.next();
			if (this.self.commonPrefixLength(entry.contact.id()) > index) {
				to.add(entry);
				it.remove();
			}
		}
	}

	private boolean trackIp(Contact contact) {
		InetAddress ip = contact.address().getAddress();
		if (this.oneNodePerIp && this.ips.containsKey(ip)) {
			return false;
		}
		this.ips.merge(ip, 1, Integer::sum);
		return true;
	}

	private void untrackIp(Contact contact) {
		this.ips.computeIfPresent(contact.address().getAddress(), (ip, count) -> (count <= 1) ? null : count - 1);
	}

}
