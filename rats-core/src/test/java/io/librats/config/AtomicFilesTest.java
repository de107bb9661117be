package io.librats.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {

	@TempDir
	Path dir;

	@Test
	void replacesContentOwnerOnlyWithoutLeavingTemporaryFiles() throws IOException {
		Path file = this.dir.resolve("state/peers.json");
		AtomicFiles.write(file, "one".getBytes(StandardCharsets.UTF_8));
		AtomicFiles.write(file, "two".getBytes(StandardCharsets.UTF_8));
		assertThat(file).hasContent("two");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		try (Stream<Path> files = Files.list(file.getParent())) {
			assertThat(files).containsExactly(file);
		}
	}

	@Test
	void aFailedWriteLeavesTheOldContent() throws IOException {
		Path file = this.dir.resolve("keep.json");
		AtomicFiles.write(file, "old".getBytes(StandardCharsets.UTF_8));
		// A directory where the target should be makes the final rename fail after the temp file was written.
		Path blocked = this.dir.resolve("blocked");
		Files.createDirectories(blocked.resolve("child"));
		assertThatThrownBy(() -> AtomicFiles.write(blocked, "new".getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(IOException.class);
		assertThat(file).hasContent("old");
		try (Stream<Path> files = Files.list(this.dir)) {
			assertThat(files.map((p) -> p.getFileName().toString())).containsExactlyInAnyOrder("keep.json", "blocked");
		}
	}

}
