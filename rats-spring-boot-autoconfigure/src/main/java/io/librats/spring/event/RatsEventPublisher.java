package io.librats.spring.event;

import io.librats.ConnectionListener;
import io.librats.RatsClient;
import io.librats.transport.PeerInfo;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Republishes a node's callbacks as Spring {@link RatsEvent}s, so {@code @EventListener} methods hear them. Events
 * are published on the node's handler pool, in each peer's order.
 */
public final class RatsEventPublisher {

	public RatsEventPublisher(RatsClient client, ApplicationEventPublisher publisher) {
		client.addConnectionListener(new ConnectionListener() {

			@Override
			public void onPeerConnected(PeerInfo peer) {
				publisher.publishEvent(new PeerConnectedEvent(client, peer));
			}

			@Override
			public void onPeerDisconnected(PeerInfo peer, String reason) {
				publisher.publishEvent(new PeerDisconnectedEvent(client, peer, reason));
			}

		});
		client.onConnectionAttempt((result) -> publisher.publishEvent(new ConnectionAttemptEvent(client, result)));
		client.onPeerDiscovered((peer) -> publisher.publishEvent(new PeerDiscoveredEvent(client, peer)));
	}

}
