package io.librats.natlab;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a lab by hand (docs/nat-lab.md): {@code NatLabMain [lifetimeSeconds=N] KIND...} starts coturn and one site per
 * kind, prints each namespace and address, and tears everything down when its standard input ends (Enter or
 * Ctrl-D) or the JVM is interrupted.
 */
public final class NatLabMain {

	private NatLabMain() {
	}

	public static void main(String[] args) throws IOException {
		Duration lifetime = Duration.ofSeconds(30);
		List<NatKind> kinds = new ArrayList<>();
		for (String arg : args) {
			if (arg.startsWith("lifetimeSeconds=")) {
				lifetime = Duration.ofSeconds(Long.parseLong(arg.substring(arg.indexOf('=') + 1)));
			}
			else {
				kinds.add(NatKind.valueOf(arg));
			}
		}
		try (NatLab lab = NatLab.start(lifetime)) {
			System.out.println("internet " + NatLab.INTERNET + ", " + lab.coturn() + " in namespace " + lab.relay()
					+ ", user " + LabCoturn.USER + " password " + lab.coturn().password());
			for (NatKind kind : kinds) {
				LabSite site = lab.site(kind);
				System.out.println(site + (site.routers().isEmpty() ? "" : ", routers " + site.routers()));
			}
			System.out.println("Press Enter to tear the lab down.");
			System.in.read();
		}
	}

}
