package io.librats;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.librats.config.AtomicFiles;

/**
 * Keeps a state directory to one running node: two nodes sharing a directory would share an identity and
 * overwrite each other's known peers. An OS file lock, so it holds across processes and is released if the process
 * dies.
 */
final class StateDirectoryLock implements AutoCloseable {

	static final String FILE_NAME = ".lock";

	private final FileChannel channel;

	private final FileLock lock;

	private StateDirectoryLock(FileChannel channel, FileLock lock) {
		this.channel = channel;
		this.lock = lock;
	}

	/** Locks {@code stateDir}, or fails saying that another node uses it. */
	static StateDirectoryLock acquire(Path stateDir) throws IOException {
		AtomicFiles.createPrivateDirectory(stateDir);
		FileChannel channel = FileChannel.open(stateDir.resolve(FILE_NAME), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE);
		FileLock lock;
		try {
			lock = channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			lock = null;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
		if (lock == null) {
			channel.close();
			throw new IOException("state directory " + stateDir + " is in use by another running rats node; "
					+ "give every node its own state directory");
		}
		return new StateDirectoryLock(channel, lock);
	}

	@Override
	public void close() {
		try {
			this.lock.release();
			this.channel.close();
		}
		catch (IOException ex) {
			// the channel is gone either way
		}
	}

}
