package io.librats.mdns;

import java.util.Random;

import io.librats.metrics.RatsMetrics;

/**
 * What the responder and the querier of one node share: settings, the one-thread clock and timers, where messages
 * go, the random source for RFC 6762's jitter, and the counters.
 */
record MdnsEnvironment(MdnsConfig config, MdnsScheduler scheduler, MdnsOutput output, Random random,
		RatsMetrics metrics) {
}
