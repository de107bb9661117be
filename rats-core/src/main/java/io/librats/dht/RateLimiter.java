package io.librats.dht;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-IP token buckets for incoming queries: each IP may send {@code perSecond} queries a second on average, in
 * bursts of up to {@code burst}. At most {@code maxTracked} IPs are tracked; past that the least recently active
 * one is forgotten (it starts again with a full bucket, which bounds memory and is harmless). Not thread-safe (one
 * event loop); times are caller-supplied nanoseconds.
 */
final class RateLimiter {

	private static final class Bucket {

		double tokens;

		long updated;

	}

	private final double perNano;

	private final double burst;

	private final LinkedHashMap<InetAddress, Bucket> buckets;

	RateLimiter(double perSecond, int burst, int maxTracked) {
		this.perNano = perSecond / 1e9;
		this.burst = burst;
		this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
				return size() > maxTracked;
			}
		};
	}

	/** Takes one token for {@code ip}; {@code false} when its bucket is empty (drop the query). */
	boolean tryAcquire(InetAddress ip, long nowNanos) {
		Bucket bucket = this.buckets.get(ip);
		if (bucket == null) {
			bucket = new Bucket();
			bucket.tokens = this.burst;
			bucket.updated = nowNanos;
			this.buckets.put(ip, bucket);
		}
		else {
			long elapsed = Math.max(0, nowNanos - bucket.updated);
			bucket.tokens = Math.min(this.burst, bucket.tokens + elapsed * this.perNano);
			bucket.updated = nowNanos;
		}
		if (bucket.tokens < 1) {
			return false;
		}
		bucket.tokens -= 1;
		return true;
	}

	/**
	 * Forgets IPs idle long enough for their bucket to be full again: they are indistinguishable from new ones, so
	 * this only frees memory. The map is in access order, so the scan stops at the first IP still refilling.
	 */
	void expireIdle(long nowNanos) {
		long refill = (long) (this.burst / this.perNano);
		var it = this.buckets.values().iterator();
		while (it.hasNext()) {
			if (nowNanos - it.next().updated < refill) {
				return;
			}
			it.remove();
		}
	}

	int tracked() {
		return this.buckets.size();
	}

}
