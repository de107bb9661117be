package io.librats.mdns;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Records heard from other hosts, per interface, with TTL expiry (RFC 6762 section 5.2 and 10): goodbyes and
 * cache-flush replacements expire after one second, refresh queries are due at 80, 85, 90 and 95 % of the TTL (plus
 * up to 2 % at random). Bounded: when full, the record closest to expiry is evicted. Not thread-safe (mDNS thread).
 */
final class RecordCache {

	/** RFC 6762 sections 10.1 and 10.2: goodbyes and flushed records linger one second. */
	static final long GRACE_MILLIS = 1000;

	private static final int[] REFRESH_PERCENT = { 80, 85, 90, 95 };

	private final int capacity;

	private final Random random;

	private final Map<Key, Entry> entries = new LinkedHashMap<>();

	/** The same entries by name and type, so lookups cost no scan of the whole cache. */
	private final Map<NameAndType, List<Entry>> byName = new HashMap<>();

	private record NameAndType(DnsName name, int type) {
	}

	/** One cached record. */
	static final class Entry {

		final String iface;

		MdnsRecord record;

		long receivedAt;

		long expiresAt;

		int refreshStep;

		long refreshAt;

		Entry(String iface) {
			this.iface = iface;
		}

		/** Seconds of TTL left at {@code now}. */
		long remainingTtl(long now) {
			return Math.max(0, (this.expiresAt - now) / 1000);
		}

	}

	private record Key(String iface, DnsName name, int type, int rrClass, ByteBuffer rdata) {
	}

	RecordCache(int capacity, Random random) {
		this.capacity = capacity;
		this.random = random;
	}

	/**
	 * Adds or refreshes a record heard on {@code iface}. Returns the number of records evicted to make room.
	 */
	int put(MdnsRecord record, String iface, long now) {
		Key key = new Key(iface, record.name(), record.type(), record.rrClass(), ByteBuffer.wrap(record.rdata()));
		Entry existing = this.entries.get(key);
		if (record.ttl() == 0) {
			if (existing != null) {
				existing.expiresAt = Math.min(existing.expiresAt, now + GRACE_MILLIS);
				existing.refreshStep = REFRESH_PERCENT.length;
			}
			return 0;
		}
		if (record.cacheFlush()) {
			for (Entry entry : find(record.name(), record.type(), iface)) {
				if (entry.record.rrClass() == record.rrClass() && !entry.record.sameRecord(record)
						&& entry.receivedAt < now - GRACE_MILLIS) {
					entry.expiresAt = Math.min(entry.expiresAt, now + GRACE_MILLIS);
					entry.refreshStep = REFRESH_PERCENT.length;
				}
			}
		}
		int evicted = 0;
		Entry entry = existing;
		if (entry == null) {
			while (this.entries.size() >= this.capacity) {
				evictSoonest();
				evicted++;
			}
			entry = new Entry(iface);
			this.entries.put(key, entry);
			this.byName.computeIfAbsent(new NameAndType(record.name(), record.type()), (k) -> new ArrayList<>()).add(entry);
		}
		entry.record = record;
		entry.receivedAt = now;
		entry.expiresAt = now + record.ttl() * 1000;
		entry.refreshStep = 0;
		entry.refreshAt = refreshTime(entry);
		return evicted;
	}

	private long refreshTime(Entry entry) {
		if (entry.refreshStep >= REFRESH_PERCENT.length) {
			return Long.MAX_VALUE;
		}
		long ttlMillis = entry.record.ttl() * 1000;
		// Percent of the TTL plus a random 0-2 % (RFC 6762 section 5.2), in tenths of a percent.
		long permille = REFRESH_PERCENT[entry.refreshStep] * 10L + this.random.nextInt(21);
		return entry.receivedAt + ttlMillis * permille / 1000;
	}

	private void evictSoonest() {
		Iterator<Entry> all = this.entries.values().iterator();
		Entry soonest = null;
		for (Entry entry : this.entries.values()) {
			if (soonest == null || entry.expiresAt < soonest.expiresAt) {
				soonest = entry;
			}
		}
		while (all.hasNext()) {
			if (all.next() == soonest) {
				all.remove();
				unindex(soonest);
				return;
			}
		}
	}

	private void unindex(Entry entry) {
		NameAndType key = new NameAndType(entry.record.name(), entry.record.type());
		List<Entry> named = this.byName.get(key);
		if (named != null) {
			named.remove(entry);
			if (named.isEmpty()) {
				this.byName.remove(key);
			}
		}
	}

	/** Removes and returns the records expired at {@code now}. */
	List<Entry> expire(long now) {
		List<Entry> expired = new ArrayList<>();
		Iterator<Entry> all = this.entries.values().iterator();
		while (all.hasNext()) {
			Entry entry = all.next();
			if (entry.expiresAt <= now) {
				expired.add(entry);
				all.remove();
				unindex(entry);
			}
		}
		return expired;
	}

	/** Records whose next refresh query is due at {@code now}; each is moved on to its next refresh point. */
	List<Entry> dueForRefresh(long now) {
		List<Entry> due = new ArrayList<>();
		for (Entry entry : this.entries.values()) {
			if (entry.refreshAt <= now) {
				due.add(entry);
				entry.refreshStep++;
				entry.refreshAt = refreshTime(entry);
			}
		}
		return due;
	}

	/** Records of a name and type heard on {@code iface} (any interface for {@code null}). */
	List<Entry> find(DnsName name, int type, String iface) {
		List<Entry> found = new ArrayList<>();
		for (Entry entry : this.byName.getOrDefault(new NameAndType(name, type), List.of())) {
			if (iface == null || entry.iface.equals(iface)) {
				found.add(entry);
			}
		}
		return found;
	}

	/** Removes every record heard on an interface we no longer use. */
	void dropInterface(String iface) {
		Iterator<Entry> all = this.entries.values().iterator();
		while (all.hasNext()) {
			Entry entry = all.next();
			if (entry.iface.equals(iface)) {
				all.remove();
				unindex(entry);
			}
		}
	}

	int size() {
		return this.entries.size();
	}

}
