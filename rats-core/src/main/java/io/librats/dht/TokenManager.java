package io.librats.dht;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;

/**
 * Write tokens for our announce store (BEP 5): a token is the first {@link #TOKEN_LENGTH} bytes of
 * SHA-1(secret || requester IP). The secret changes every {@link #ROTATION_MILLIS}; tokens made with the current or
 * the previous secret are accepted, so a token lives between 5 and 10 minutes, and only from the IP it was given to.
 * Not thread-safe (one event loop); the clock is injectable for tests.
 */
final class TokenManager {

	static final long ROTATION_MILLIS = 5 * 60 * 1000L;

	static final int TOKEN_LENGTH = 8;

	private final Clock clock;

	private final SecureRandom random;

	private byte[] current = new byte[16];

	private byte[] previous = new byte[16];

	private long rotatedAt;

	TokenManager(Clock clock, SecureRandom random) {
		this.clock = clock;
		this.random = random;
		this.random.nextBytes(this.current);
		this.random.nextBytes(this.previous);
		this.rotatedAt = clock.millis();
	}

	byte[] tokenFor(InetAddress requester) {
		rotateIfDue();
		return token(this.current, requester);
	}

	boolean isValid(byte[] token, InetAddress requester) {
		rotateIfDue();
		if (token == null || token.length != TOKEN_LENGTH) {
			return false;
		}
		return MessageDigest.isEqual(token, token(this.current, requester))
				|| MessageDigest.isEqual(token, token(this.previous, requester));
	}

	private void rotateIfDue() {
		long now = this.clock.millis();
		long elapsed = now - this.rotatedAt;
		if (elapsed < ROTATION_MILLIS && elapsed >= 0) {
			return;
		}
		if (elapsed >= 2 * ROTATION_MILLIS || elapsed < 0) {
			// idle for two periods (or the clock went back): every old token is dead
			this.random.nextBytes(this.previous);
		}
		else {
			this.previous = this.current;
		}
		this.current = new byte[16];
		this.random.nextBytes(this.current);
		this.rotatedAt = now;
	}

	private static byte[] token(byte[] secret, InetAddress requester) {
		try {
			MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
			sha1.update(secret);
			sha1.update(requester.getAddress());
			return Arrays.copyOf(sha1.digest(), TOKEN_LENGTH);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
