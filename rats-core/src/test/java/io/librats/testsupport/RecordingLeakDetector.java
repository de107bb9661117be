package io.librats.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's leak detector, installed for the tests through {@code io.netty.customResourceLeakDetector}: it reports
 * as usual and also records every leak, so {@link NettyLeakCheckExtension} can fail the build on one.
 */
public class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

	private static final List<String> leaks = new CopyOnWriteArrayList<>();

	public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
		super(resourceType, samplingInterval, maxActive);
	}

	public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
		super(resourceType, samplingInterval);
	}

	@Override
	protected void reportTracedLeak(String resourceType, String records) {
		leaks.add(resourceType + records);
		super.reportTracedLeak(resourceType, records);
	}

	@Override
	protected void reportUntracedLeak(String resourceType) {
		leaks.add(resourceType);
		super.reportUntracedLeak(resourceType);
	}

	/** Every leak recorded since the last call, which clears them. */
	public static List<String> drain() {
		List<String> copy = List.copyOf(leaks);
		leaks.clear();
		return copy;
	}

	/** Whether Netty actually installed this class (the system property was honoured). */
	public static boolean installed() {
		return io.netty.util.ResourceLeakDetectorFactory.instance()
			.newResourceLeakDetector(Object.class) instanceof RecordingLeakDetector;
	}

}
