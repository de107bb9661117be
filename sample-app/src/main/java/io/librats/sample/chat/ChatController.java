package io.librats.sample.chat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.librats.ConnectionAttemptResult;
import io.librats.ConnectionStrategy;
import io.librats.RatsClient;
import io.librats.config.PeerAddress;
import io.librats.spring.actuate.RatsNodeReport;
import io.librats.spring.messaging.RatsTemplate;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The page's API: chat history and sending, a live event stream, connecting to peers, and the node's status. */
@RestController
@RequestMapping("/api")
class ChatController {

	private static final int MAX_TEXT = 2000;

	private final ChatRoom room;

	private final RatsTemplate rats;

	private final RatsClient client;

	private final RatsNodeReport report;

	private final String nickname;

	ChatController(ChatRoom room, RatsTemplate rats, RatsClient client, RatsNodeReport report, Nickname nickname) {
		this.room = room;
		this.rats = rats;
		this.client = client;
		this.report = report;
		this.nickname = nickname.value();
	}

	@GetMapping("/messages")
	List<ChatLine> history() {
		return this.room.history();
	}

	record SendRequest(String text) {
	}

	@PostMapping("/messages")
	CompletableFuture<ResponseEntity<Map<String, Object>>> send(@RequestBody SendRequest request) {
		String text = (request.text() != null) ? request.text().strip() : "";
		if (text.isEmpty() || text.length() > MAX_TEXT) {
			return CompletableFuture.completedFuture(ResponseEntity.badRequest()
				.body(Map.of("error", "a message is 1 to " + MAX_TEXT + " characters")));
		}
		ChatMessage message = new ChatMessage(UUID.randomUUID().toString(), this.nickname, text);
		this.room.add(new ChatLine(message.id(), this.client.peerId(), this.nickname, text, Instant.now()));
		return this.rats.broadcast("chat", message)
			.thenApply((delivered) -> ResponseEntity.ok(Map.<String, Object>of("delivered", delivered)));
	}

	@GetMapping("/stream")
	SseEmitter stream() {
		return this.room.subscribe();
	}

	record ConnectRequest(String address) {
	}

	@PostMapping("/peers")
	CompletableFuture<Map<String, Object>> connect(@RequestBody ConnectRequest request) {
		PeerAddress address;
		try {
			address = PeerAddress.parse(request.address());
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			return CompletableFuture.completedFuture(Map.of("success", false, "error", "not a host:port: "
					+ request.address()));
		}
		Duration limit = this.client.config().connectTimeout().plus(this.client.config().handshakeTimeout());
		return this.client.connectToPeer(address.host(), address.port(), ConnectionStrategy.AUTO_ADAPTIVE)
			.orTimeout(limit.toMillis() + 1000, TimeUnit.MILLISECONDS)
			.handle((result, ex) -> outcome(result, ex));
	}

	private static Map<String, Object> outcome(ConnectionAttemptResult result, Throwable ex) {
		Map<String, Object> outcome = new LinkedHashMap<>();
		outcome.put("success", result != null && result.success());
		outcome.put("peerId", (result != null) ? result.peerId() : null);
		outcome.put("error", (result != null) ? result.error() : "no outcome in time");
		return outcome;
	}

	/** The page's panels, from the same report as {@code /actuator/rats}. */
	@GetMapping("/status")
	Map<String, Object> status() {
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("peerId", this.client.peerId());
		status.put("nickname", this.nickname);
		List<String> addresses = this.report.listenAddresses();
		status.put("listenAddress", addresses.isEmpty() ? "not listening" : addresses.get(0));
		List<Map<String, Object>> peers = this.report.peers();
		for (Map<String, Object> peer : peers) {
			peer.put("nickname", this.room.nicknameOf((String) peer.get("peerId")));
		}
		status.put("peers", peers);
		Map<String, Object> nat = this.report.nat();
		Map<String, Object> panel = new LinkedHashMap<>();
		panel.put("NAT detection", String.valueOf(nat.get("detection")));
		panel.put("NAT type", String.valueOf(nat.get("natType")));
		panel.put("Public address", String.valueOf(nat.get("publicAddress")));
		panel.put("Strategy", String.valueOf(nat.get("strategy")));
		panel.put("STUN servers", String.valueOf(nat.get("stunServers")));
		panel.put("TURN servers", String.valueOf(nat.get("turnServers")));
		this.report.discovery().forEach((name, value) -> panel.put("Discovery: " + name, String.valueOf(value)));
		status.put("panel", panel);
		status.put("attempts", this.report.recentAttempts());
		return status;
	}

}
