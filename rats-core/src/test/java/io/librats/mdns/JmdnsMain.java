package io.librats.mdns;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;

/**
 * jmDNS, an mDNS/DNS-SD implementation nobody here wrote, as a child process in a namespace. Arguments: the
 * address to bind, a service name, a port and a peer id. It registers {@code _rats._tcp.local.} with TXT
 * {@code txtvers=1, id, v=1, ns=rats}, browses the same type and prints {@code RESOLVED <name> <host> <port>
 * <id> <v> <ns> <addresses>} for each service it resolves, {@code REMOVED <name>} for each that goes. Exits at the end
 * of its input, unregistering its service.
 */
public final class JmdnsMain {

	private JmdnsMain() {
	}

	public static void main(String[] args) throws Exception {
		String type = MdnsDiscovery.SERVICE_TYPE;
		try (JmDNS jmdns = JmDNS.create(InetAddress.getByName(args[0]), "jmdns-host")) {
			jmdns.addServiceListener(type, new ServiceListener() {
				@Override
				public void serviceAdded(ServiceEvent event) {
					event.getDNS().requestServiceInfo(event.getType(), event.getName(), 1000);
				}

				@Override
				public void serviceRemoved(ServiceEvent event) {
					say("REMOVED " + event.getName());
				}

				@Override
				public void serviceResolved(ServiceEvent event) {
					ServiceInfo info = event.getInfo();
					say("RESOLVED " + info.getName().replace(' ', '_') + " " + info.getServer() + " " + info.getPort()
							+ " " + info.getPropertyString("id") + " " + info.getPropertyString("v") + " "
							+ info.getPropertyString("ns") + " " + Arrays.toString(info.getInetAddresses()));
				}
			});
			ServiceInfo ours = ServiceInfo.create(type, args[1], Integer.parseInt(args[2]), 0, 0,
					Map.of("txtvers", "1", "id", args[3], "v", "1", "ns", "rats"));
			jmdns.registerService(ours);
			say("REGISTERED " + ours.getQualifiedName());
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			while (in.readLine() != null) {
				// runs until the parent closes our input
			}
			jmdns.unregisterAllServices();
		}
	}

	private static synchronized void say(String line) {
		System.out.println(line);
		System.out.flush();
	}

}
