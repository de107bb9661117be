package io.librats.dht;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Learns our external IP from the {@code ip} field other nodes put in their responses (BEP 42): one vote per
 * voting IP (its latest), the most recent {@link #MAX_VOTERS} voters kept. An address is the consensus once at least
 * {@link #MIN_VOTES} distinct IPs voted for it and it has a strict majority of the votes held. Not thread-safe.
 */
final class AddressVoter {

	static final int MAX_VOTERS = 32;

	static final int MIN_VOTES = 3;

	private final LinkedHashMap<InetAddress, InetAddress> votes = new LinkedHashMap<>(64, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<InetAddress, InetAddress> eldest) {
			return size() > MAX_VOTERS;
		}
	};

	void vote(InetAddress voter, InetAddress reported) {
		this.votes.put(voter, reported);
	}

	Optional<InetAddress> consensus() {
		Map<InetAddress, Integer> counts = new HashMap<>();
		InetAddress best = null;
		int bestCount = 0;
		for (InetAddress reported : this.votes.values()) {
			int count = counts.merge(reported, 1, Integer::sum);
			if (count > bestCount) {
				best = reported;
				bestCount = count;
			}
		}
		if (best == null || bestCount < MIN_VOTES || bestCount * 2 <= this.votes.size()) {
			return Optional.empty();
		}
		return Optional.of(best);
	}

}
