package io.librats.spring.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

import io.librats.NodeState;
import io.librats.RatsException;
import io.librats.StateFileCorruptException;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Loads the node's saved state from {@code rats.state-dir} into the Environment as the {@value NodeStatePropertySource#NAME}
 * property source, ranked below the application's own configuration: {@code rats.node.peer-id},
 * {@code rats.node.identity-file}, {@code rats.node.known-peers[i].*} and {@code rats.node.nat.*}. Creates the
 * identity on first start, so the peer id is known before any bean exists. Also supplies the default
 * {@code rats.state-dir} when the application sets none ({@link DefaultStateDirectory}).
 *
 * <p>A corrupt state file fails startup naming the file, unless {@code rats.state.reset-on-corrupt=true}: then it is
 * renamed with a {@code .corrupt-TIMESTAMP} suffix and the node starts without it.
 */
public class NodeStateEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** After the application's configuration files are loaded. */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 10;

	private static final int MAX_RESETS = 3;

	private final Log logger;

	public NodeStateEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(NodeStateEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("rats.enabled", Boolean.class, true)) {
			return;
		}
		String configured = environment.getProperty("rats.state-dir");
		Path defaultDir = (configured == null || configured.isBlank())
				? DefaultStateDirectory.resolve(environment, application.getMainApplicationClass()) : null;
		Path stateDir = (defaultDir != null) ? defaultDir : Path.of(configured);
		boolean reset = environment.getProperty("rats.state.reset-on-corrupt", Boolean.class, false);
		NodeStatePropertySource source = load(stateDir, defaultDir, reset);
		environment.getPropertySources().remove(NodeStatePropertySource.NAME);
		environment.getPropertySources().addLast(source);
		this.logger.debug("Loaded rats node state " + source.getProperty(NodeStatePropertySource.PEER_ID) + " from "
				+ stateDir);
	}

	private NodeStatePropertySource load(Path stateDir, Path defaultDir, boolean reset) {
		for (int attempt = 0;; attempt++) {
			try {
				return NodeStatePropertySource.of(NodeState.load(stateDir), NatFactsFile.read(stateDir), defaultDir);
			}
			catch (StateFileCorruptException ex) {
				if (!reset || attempt >= MAX_RESETS) {
					throw ex;
				}
				Path aside = moveAside(ex.file());
				this.logger.warn("rats.state.reset-on-corrupt is set: moved corrupt state file " + ex.file() + " to "
						+ aside + " and starting without it");
			}
		}
	}

	private static Path moveAside(Path file) {
		Path aside = file.resolveSibling(file.getFileName() + ".corrupt-"
				+ LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
		try {
			Files.move(file, aside);
			return aside;
		}
		catch (IOException ex) {
			throw new RatsException("Cannot move corrupt state file " + file + " aside: " + ex.getMessage(), ex);
		}
	}

}
