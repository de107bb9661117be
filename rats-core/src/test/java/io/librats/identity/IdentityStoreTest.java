package io.librats.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;

import io.librats.noise.NoiseKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityStoreTest {

	@TempDir
	Path dir;

	@Test
	void createsOnceThenLoadsTheSameIdentity() throws IOException {
		Path state = this.dir.resolve("node");
		NodeIdentity created = new IdentityStore(state).loadOrCreate();
		NodeIdentity loaded = new IdentityStore(state).loadOrCreate();
		assertThat(loaded.peerId()).isEqualTo(created.peerId());
		assertThat(loaded.publicKey()).isEqualTo(created.publicKey());
	}

	@Test
	void identityFileAndDirectoryAreOwnerOnlyAndNoTemporaryFileRemains() throws IOException {
		Path state = this.dir.resolve("node");
		IdentityStore store = new IdentityStore(state);
		store.loadOrCreate();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
		try (var files = Files.list(state)) {
			assertThat(files.map((p) -> p.getFileName().toString())).containsExactly(IdentityStore.FILE_NAME);
		}
	}

	@Test
	void privateKeyNeverAppearsInToString() throws IOException {
		NodeIdentity identity = new IdentityStore(this.dir).loadOrCreate();
		String json = Files.readString(this.dir.resolve(IdentityStore.FILE_NAME));
		String privateKey = json.replaceAll("(?s).*\"privateKey\"\\s*:\\s*\"([^\"]+)\".*", "$1");
		byte[] raw = Base64.getDecoder().decode(privateKey);
		assertThat(identity.toString()).doesNotContain(privateKey).doesNotContain(HexFormat.of().formatHex(raw));
		assertThat(identity.keyPair().toString()).doesNotContain(privateKey).doesNotContain(HexFormat.of().formatHex(raw));
	}

	@Test
	void corruptFileIsAClearErrorNotANewIdentity() throws IOException {
		Path file = this.dir.resolve(IdentityStore.FILE_NAME);
		Files.writeString(file, "{ this is not json", StandardCharsets.UTF_8);
		assertThatThrownBy(() -> new IdentityStore(this.dir).loadOrCreate())
			.isInstanceOf(IdentityCorruptException.class)
			.hasMessageContaining(file.toString())
			.hasMessageContaining("not valid JSON")
			.hasMessageContaining("Refusing");
		assertThat(Files.readString(file)).isEqualTo("{ this is not json");
	}

	@Test
	void mismatchedKeysAreRejected() throws IOException {
		NoiseKeyPair one = NoiseKeyPair.generate();
		NoiseKeyPair other = NoiseKeyPair.generate();
		Files.writeString(this.dir.resolve(IdentityStore.FILE_NAME), """
				{"format":"rats-identity","version":1,"algorithm":"X25519","privateKey":"%s","publicKey":"%s"}
				""".formatted(Base64.getEncoder().encodeToString(one.privateKey()),
				Base64.getEncoder().encodeToString(other.publicKey())));
		assertThatThrownBy(() -> new IdentityStore(this.dir).loadOrCreate())
			.isInstanceOf(IdentityCorruptException.class).hasMessageContaining("does not match");
	}

	@Test
	void truncatedKeyIsRejected() throws IOException {
		Files.writeString(this.dir.resolve(IdentityStore.FILE_NAME), """
				{"format":"rats-identity","version":1,"algorithm":"X25519","privateKey":"AAAA","publicKey":"AAAA"}
				""");
		assertThatThrownBy(() -> new IdentityStore(this.dir).loadOrCreate())
			.isInstanceOf(IdentityCorruptException.class).hasMessageContaining("32 bytes");
	}

}
