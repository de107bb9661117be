package io.librats.natlab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

import io.librats.testsupport.netns.NetnsProcess;

/** The test's handle on a {@link LabNodeMain} child JVM running in a lab site's host namespace. */
final class LabNode implements AutoCloseable {

	static final Duration WAIT = Duration.ofSeconds(60);

	private final String label;

	private final NetnsProcess process;

	private final String peerId;

	private final int port;

	private LabNode(String label, NetnsProcess process) {
		this.label = label;
		this.process = process;
		Matcher ready = process.awaitLine("^READY (\\S+) (\\d+)", WAIT);
		this.peerId = ready.group(1);
		this.port = Integer.parseInt(ready.group(2));
	}

	/** Starts a node in {@code site} that uses the lab's coturn for STUN and, with {@code turn}, as its TURN relay. */
	static LabNode start(String label, LabSite site, NatLab lab, boolean turn, String... extraOptions) {
		LabCoturn coturn = lab.coturn();
		List<String> options = new ArrayList<>(List.of("stun=" + coturn.stunServer()));
		if (turn) {
			options.addAll(List.of("turn=" + coturn.turnUrl(), "user=" + LabCoturn.USER,
					"password=" + coturn.password()));
		}
		options.addAll(List.of(extraOptions));
		NetnsProcess process = site.host().startJava(label, LabNodeMain.class, List.of("-Xmx128m"),
				options.toArray(String[]::new));
		try {
			return new LabNode(label + "@" + site.host(), process);
		}
		catch (RuntimeException | Error ex) {
			process.close();
			throw ex;
		}
	}

	String peerId() {
		return this.peerId;
	}

	int port() {
		return this.port;
	}

	NetnsProcess process() {
		return this.process;
	}

	/** Sends a command and returns the match of its answer, or fails with the node's {@code ERROR} line. */
	Matcher request(String command, String answerRegex) {
		Matcher matcher = this.process.request(command, "^(?:" + answerRegex + ")$|^ERROR .*", WAIT);
		if (matcher.group().startsWith("ERROR ")) {
			throw new AssertionError(command + " failed: " + matcher.group());
		}
		return matcher;
	}

	/** Waits until the node holds a TURN TCP allocation and returns its relayed address as {@code host:port}. */
	String relayedAddress() {
		String[] relayed = new String[1];
		Awaitility.await("a relayed address of " + this.label)
			.atMost(WAIT)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> {
				relayed[0] = request("relayed", "RELAYED (\\S+)").group(1);
				return !relayed[0].equals("none");
			});
		return relayed[0];
	}

	/** Waits for {@code RECEIVED <from> <text>} among all lines the node printed. */
	void awaitReceived(String from, String text) {
		this.process.awaitLine(Pattern.compile("^RECEIVED " + Pattern.quote(from) + " " + Pattern.quote(text) + "$"),
				0, WAIT);
	}

	@Override
	public void close() {
		this.process.close();
	}

	@Override
	public String toString() {
		return this.label;
	}

}
