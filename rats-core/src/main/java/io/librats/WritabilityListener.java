package io.librats;

/** Hears a peer's outbound data cross its high-water mark (not writable) and fall back below the low one. */
@FunctionalInterface
public interface WritabilityListener {

	void onWritabilityChanged(String peerId, boolean writable);

}
