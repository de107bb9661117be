package io.librats.spring.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An empty Spring Boot application, run in a child JVM by {@link StartupBenchmark}: prints the time from JVM start
 * until {@code run} returned (the context refreshed and, with the starter, the node listening), and the heap in use
 * after two GCs and the process's resident set size.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class StartupProbe {

	public static void main(String[] args) throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(StartupProbe.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.run(args)) {
			long startupMillis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
			System.gc();
			System.gc();
			long heapKb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
			long rssKb = rssKb();
			System.out.println("RESULT startupMillis=" + startupMillis + " heapUsedKb=" + heapKb + " rssKb=" + rssKb
					+ " ratsBeans=" + context.getBeanNamesForType(
							Class.forName("io.librats.RatsClient", false, StartupProbe.class.getClassLoader())).length);
		}
	}

	private static long rssKb() throws Exception {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		return -1;
	}

}
