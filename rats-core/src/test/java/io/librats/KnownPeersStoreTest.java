package io.librats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.librats.config.PeerAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KnownPeersStoreTest {

	private static final String ID_1 = "1".repeat(40);

	private static final String ID_2 = "2".repeat(40);

	private static final String ID_3 = "3".repeat(40);

	@TempDir
	Path dir;

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void savesAndLoadsBoundedByLimit() throws IOException {
		KnownPeersStore store = new KnownPeersStore(this.dir, 2, this.mapper);
		store.record(ID_1, new PeerAddress("127.0.0.1", 1));
		store.record(ID_2, new PeerAddress("::1", 2));
		store.record(ID_3, new PeerAddress("127.0.0.1", 3));
		store.saveIfDirty();

		KnownPeersStore loaded = new KnownPeersStore(this.dir, 2, this.mapper);
		loaded.load();
		assertThat(loaded.peers()).extracting(KnownPeersStore.KnownPeer::peerId).containsExactly(ID_2, ID_3);
		assertThat(loaded.peers().get(0).address()).isEqualTo(new PeerAddress("::1", 2));
	}

	@Test
	void corruptFileIsAClearError() throws IOException {
		Files.writeString(this.dir.resolve(KnownPeersStore.FILE_NAME), "{\"version\":1,\"peers\":[{\"peerId\":\"x\"}]}");
		KnownPeersStore store = new KnownPeersStore(this.dir, 10, this.mapper);
		assertThatThrownBy(store::load).isInstanceOf(IOException.class).hasMessageContaining("corrupt")
			.hasMessageContaining(KnownPeersStore.FILE_NAME);
	}

	@Test
	void withoutStateDirectoryNothingIsWritten() throws IOException {
		KnownPeersStore store = new KnownPeersStore(null, 10, this.mapper);
		store.record(ID_1, new PeerAddress("127.0.0.1", 1));
		store.saveIfDirty();
		store.load();
		assertThat(store.peers()).hasSize(1);
	}

}
