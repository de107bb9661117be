package io.librats.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes state files so that a crash leaves either the old or the new content, never a torn file, and so that no
 * other user can ever read them (the identity file holds a private key).
 */
public final class AtomicFiles {

	private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

	private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

	private AtomicFiles() {
	}

	/** Creates the directory (and parents) owner-only if it is missing. */
	public static void createPrivateDirectory(Path dir) throws IOException {
		if (Files.isDirectory(dir)) {
			return;
		}
		Path parent = dir.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		try {
			Files.createDirectory(dir, posix(OWNER_DIR));
		}
		catch (FileAlreadyExistsException ex) {
			if (!Files.isDirectory(dir)) {
				throw ex;
			}
		}
	}

	/**
	 * Replaces {@code target} with {@code content}: written to a temporary file created owner-only in the same
	 * directory, forced to disk, renamed atomically over the target, and the directory forced too.
	 */
	public static void write(Path target, byte[] content) throws IOException {
		Path dir = target.toAbsolutePath().getParent();
		createPrivateDirectory(dir);
		// The temporary file is born owner-only: setting permissions after creation would leave a window.
		Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", posix(OWNER_FILE));
		try {
			try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING)) {
				ByteBuffer buffer = ByteBuffer.wrap(content);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				channel.force(true);
			}
			try {
				Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				throw new IOException("file system of " + dir + " cannot rename atomically", ex);
			}
			forceDirectory(dir);
		}
		finally {
			Files.deleteIfExists(tmp);
		}
	}

	private static void forceDirectory(Path dir) {
		// Makes the rename itself durable; not every platform can open a directory, and that is not fatal.
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException | UnsupportedOperationException ex) {
			// best effort
		}
	}

	private static FileAttribute<?>[] posix(Set<PosixFilePermission> permissions) {
		boolean posix = Path.of(".").getFileSystem().supportedFileAttributeViews().contains("posix");
		return posix ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(permissions) }
				: new FileAttribute<?>[0];
	}

}
