package io.librats;

import java.io.IOException;
import java.nio.file.Path;

import io.librats.config.RatsConfig;

/**
 * A node in its own JVM, for tests that kill a process. Prints {@code READY <peerId> <port>} once listening, then
 * runs until its standard input closes or the process is killed. Arguments: state directory.
 */
public final class NodeMain {

	private NodeMain() {
	}

	public static void main(String[] args) throws IOException {
		RatsConfig config = TestNodes.loopbackConfig().stateDir(Path.of(args[0])).build();
		RatsClient node = new RatsClient(config);
		node.on("echo", (msg) -> msg.reply(msg.data()));
		node.start();
		System.out.println("READY " + node.peerId() + " " + node.listenPort());
		System.out.flush();
		while (System.in.read() >= 0) {
			// wait for the parent to close our stdin
		}
		node.stop();
	}

}
