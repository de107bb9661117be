package io.librats.transport;

import java.time.Duration;
import java.util.concurrent.Executor;

import io.librats.config.RatsConfig;
import io.librats.metrics.RatsMetrics;

/** What every connection of one node shares; built once by {@link Transport}. */
final class TransportContext {

	private final SessionSettings settings;

	private final RatsConfig config;

	private final RatsMetrics metrics;

	private final Executor handlerExecutor;

	private final PeerTable peerTable;

	private final InboundFrameHandler inbound;

	private volatile int listenPort;

	TransportContext(SessionSettings settings, RatsConfig config, RatsMetrics metrics, Executor handlerExecutor,
			PeerTable peerTable, InboundFrameHandler inbound) {
		this.settings = settings;
		this.config = config;
		this.metrics = metrics;
		this.handlerExecutor = handlerExecutor;
		this.peerTable = peerTable;
		this.inbound = inbound;
	}

	SessionSettings settings() { return this.settings; }
	RatsMetrics metrics() { return this.metrics; }
	Executor handlerExecutor() { return this.handlerExecutor; }
	PeerTable peerTable() { return this.peerTable; }
	InboundFrameHandler inbound() { return this.inbound; }
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
