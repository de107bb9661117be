package io.librats.spring.env;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The state directory an application gets when it configures none: {@code ${user.home}/.rats/<name>}, where the
 * name is {@code spring.application.name}, or {@code app-} and a hash of the main class and the working directory.
 * Two applications on one machine thus get two identities.
 */
public final class DefaultStateDirectory {

	private DefaultStateDirectory() {
	}

	/**
	 * @param environment where {@code user.home}, {@code user.dir} and {@code spring.application.name} are read
	 * @param mainClass the application's main class, or {@code null} when unknown
	 */
	public static Path resolve(Environment environment, Class<?> mainClass) {
		String home = environment.getProperty("user.home", System.getProperty("user.home"));
		String name = environment.getProperty("spring.application.name");
		String leaf = StringUtils.hasText(name) ? name.trim().replaceAll("[^A-Za-z0-9._-]", "_")
				: "app-" + hash(((mainClass != null) ? mainClass.getName() : "") + "|"
						+ environment.getProperty("user.dir", System.getProperty("user.dir")));
		return Path.of(home, ".rats", leaf);
	}

	private static String hash(String text) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 6);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
