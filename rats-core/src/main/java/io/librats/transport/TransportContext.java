package io.librats.transport;

import java.time.Duration;
import java.util.concurrent.Executor;

import io.librats.config.RatsConfig;
import io.librats.metrics.RatsMetrics;
import io.librats.noise.EphemeralKeyPool;

/** What every connection of one node shares; built once by {@link Transport}. */
final class TransportContext {

	/** Ephemeral key pairs kept ready: a few dials or accepts in a row take theirs off the critical path. */
	private static final int EPHEMERAL_KEYS = 4;

	private final SessionSettings settings;

	private final RatsConfig config;

	private final RatsMetrics metrics;

	private final Executor handlerExecutor;

	private final PeerTable peerTable;

	private final InboundFrameHandler inbound;

	private final EphemeralKeyPool ephemeralKeys;

	private volatile int listenPort;

	TransportContext(SessionSettings settings, RatsConfig config, RatsMetrics metrics, Executor handlerExecutor,
			PeerTable peerTable, InboundFrameHandler inbound) {
		this.settings = settings;
		this.config = config;
		this.metrics = metrics;
		this.handlerExecutor = handlerExecutor;
		this.peerTable = peerTable;
		this.inbound = inbound;
		// Refilled on the handler pool: never an event loop, and idle while a dial waits on the network.
		this.ephemeralKeys = new EphemeralKeyPool(EPHEMERAL_KEYS, handlerExecutor);
	}

	SessionSettings settings() { return this.settings; }
	RatsMetrics metrics() { return this.metrics; }
	Executor handlerExecutor() { return this.handlerExecutor; }
	PeerTable peerTable() { return this.peerTable; }
	InboundFrameHandler inbound() { return this.inbound; }
	EphemeralKeyPool ephemeralKeys() { return this.ephemeralKeys; }
	int maxOutboundBufferBytes() { return this.config.maxOutboundBufferBytes(); }
	int writeBufferHighWaterMark() { return this.config.writeBufferHighWaterMark(); }

	int writeBufferLowWaterMark() { return this.config.writeBufferLowWaterMark(); }
	int maxPendingInboundMessages() { return this.config.maxPendingInboundMessages(); }
	long maxPendingInboundBytes() { return this.config.maxPendingInboundBytes(); }
	Duration handshakeTimeout() { return this.config.handshakeTimeout(); }
	Duration pingInterval() { return this.config.pingInterval(); }
	Duration peerTimeout() { return this.config.peerTimeout(); }
	int listenPort() { return this.listenPort; }
	void listenPort(int port) { this.listenPort = port; }

}
