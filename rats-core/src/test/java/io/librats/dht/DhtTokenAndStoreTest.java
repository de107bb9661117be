package io.librats.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Token rotation and peer store expiry on an injected clock. */
class DhtTokenAndStoreTest {

	/** A clock the test moves. */
	static final class MutableClock extends Clock {

		private volatile long millis;

		MutableClock(long millis) {
			this.millis = millis;
		}

		void advance(long delta) {
			this.millis += delta;
		}

		@Override
		public long millis() {
			return this.millis;
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(this.millis);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

	private static final long MINUTE = 60_000;

	private final MutableClock clock = new MutableClock(1_700_000_000_000L);

	@Test
	void tokenIsValidForItsIpDuringTheCurrentAndPreviousPeriodOnly() throws Exception {
		TokenManager tokens = new TokenManager(this.clock, new SecureRandom());
		InetAddress alice = InetAddress.getByName("127.0.0.2");
		InetAddress bob = InetAddress.getByName("127.0.0.3");
		byte[] token = tokens.tokenFor(alice);
		assertThat(token).hasSize(TokenManager.TOKEN_LENGTH);
		assertThat(tokens.isValid(token, alice)).isTrue();
		assertThat(tokens.isValid(token, bob)).as("bound to the requester IP").isFalse();
		assertThat(tokens.tokenFor(alice)).as("stable within a period").isEqualTo(token);

		this.clock.advance(4 * MINUTE);
		assertThat(tokens.isValid(token, alice)).isTrue();
		this.clock.advance(2 * MINUTE); // 6 min: secret rotated once, previous still accepted
		assertThat(tokens.isValid(token, alice)).isTrue();
		byte[] newer = tokens.tokenFor(alice);
		assertThat(newer).isNotEqualTo(token);
		this.clock.advance(5 * MINUTE); // 11 min: rotated twice, the first token is dead
		assertThat(tokens.isValid(token, alice)).isFalse();
		assertThat(tokens.isValid(newer, alice)).isTrue();
		assertThat(tokens.isValid(new byte[3], alice)).isFalse();
		assertThat(tokens.isValid(null, alice)).isFalse();
	}

	@Test
	void tokensDieAfterLongIdleness() throws Exception {
		TokenManager tokens = new TokenManager(this.clock, new SecureRandom());
		InetAddress alice = InetAddress.getByName("127.0.0.2");
		byte[] token = tokens.tokenFor(alice);
		this.clock.advance(60 * MINUTE); // no traffic for an hour: both secrets are renewed at once
		assertThat(tokens.isValid(token, alice)).isFalse();
	}

	@Test
	void peerStoreExpiresAfterThirtyMinutesAndRefreshesOnReannounce() {
		PeerStore store = new PeerStore(10, 10);
		NodeId infohash = NodeId.random();
		InetSocketAddress a = new InetSocketAddress("127.0.0.2", 7000);
		InetSocketAddress b = new InetSocketAddress("127.0.0.3", 7000);
		Random random = new Random(1);
		long now = this.clock.millis();
		store.announce(infohash, a, now);
		store.announce(infohash, b, now + 10 * MINUTE);
		assertThat(store.peers(infohash, 50, now + 29 * MINUTE, random)).containsExactly(a, b);
		assertThat(store.peers(infohash, 50, now + 30 * MINUTE, random)).containsExactly(b);
		store.announce(infohash, b, now + 35 * MINUTE); // re-announce renews
		assertThat(store.peers(infohash, 50, now + 60 * MINUTE, random)).containsExactly(b);
		store.expireAll(now + 65 * MINUTE);
		assertThat(store.infohashCount()).isZero();
		assertThat(store.peerCount()).isZero();
	}

	@Test
	void peerStoreIsBounded() {
		PeerStore store = new PeerStore(3, 4);
		Random random = new Random(1);
		NodeId first = NodeId.random();
		for (int port = 1; port <= 10; port++) {
			store.announce(first, new InetSocketAddress("127.0.0.2", port), port);
		}
		assertThat(store.peerCount()).isEqualTo(4);
		assertThat(store.peers(first, 50, 20, random)).extracting(InetSocketAddress::getPort)
			.containsExactlyInAnyOrder(7, 8, 9, 10);
		assertThat(store.peers(first, 2, 20, random)).hasSize(2);
		for (int i = 0; i < 5; i++) {
			store.announce(NodeId.random(), new InetSocketAddress("127.0.0.2", 1), 30 + i);
		}
		assertThat(store.infohashCount()).isEqualTo(3);
		assertThat(store.peers(first, 50, 40, random)).as("least recently announced infohash evicted").isEmpty();
		assertThat(store.peerCount()).isEqualTo(3);
	}

	@Test
	void rateLimiterAllowsBurstThenRate() throws Exception {
		RateLimiter limiter = new RateLimiter(10, 20, 16);
		InetAddress ip = InetAddress.getByName("127.0.0.9");
		long t = 0;
		int allowed = 0;
		for (int i = 0; i < 100; i++) {
			if (limiter.tryAcquire(ip, t)) {
				allowed++;
			}
		}
		assertThat(allowed).isEqualTo(20);
		t += 1_000_000_000L; // one second later: 10 more
		allowed = 0;
		for (int i = 0; i < 100; i++) {
			if (limiter.tryAcquire(ip, t)) {
				allowed++;
			}
		}
		assertThat(allowed).isEqualTo(10);
		assertThat(limiter.tryAcquire(InetAddress.getByName("127.0.0.10"), t)).as("per IP").isTrue();
		for (int i = 0; i < 100; i++) {
			limiter.tryAcquire(InetAddress.getByName("127.0.1." + i), t);
		}
		assertThat(limiter.tracked()).isEqualTo(16);
		limiter.expireIdle(t + 1_000_000_000L); // refilled after burst / rate = 2 s, not yet
		assertThat(limiter.tracked()).isEqualTo(16);
		limiter.expireIdle(t + 2_000_000_000L);
		assertThat(limiter.tracked()).isZero();
	}

	@Test
	void addressVoterNeedsAMajorityOfAtLeastThreeVoters() throws Exception {
		AddressVoter voter = new AddressVoter();
		InetAddress mine = InetAddress.getByName("203.0.113.7");
		InetAddress lie = InetAddress.getByName("198.51.100.1");
		voter.vote(InetAddress.getByName("127.0.0.1"), mine);
		voter.vote(InetAddress.getByName("127.0.0.1"), mine); // same voter twice counts once
		assertThat(voter.consensus()).isEmpty();
		voter.vote(InetAddress.getByName("127.0.0.2"), mine);
		voter.vote(InetAddress.getByName("127.0.0.3"), lie);
		assertThat(voter.consensus()).isEmpty();
		voter.vote(InetAddress.getByName("127.0.0.4"), mine);
		assertThat(voter.consensus()).contains(mine);
		for (int i = 10; i < 20; i++) {
			voter.vote(InetAddress.getByName("127.0.0." + i), lie);
		}
		assertThat(voter.consensus()).contains(lie);
	}

}
