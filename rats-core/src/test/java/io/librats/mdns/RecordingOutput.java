package io.librats.mdns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Records what the protocol logic sends, with the virtual time of each send; one interface, {@code eth0}. */
final class RecordingOutput implements MdnsOutput {

	/** One message sent: {@code destination} is null for multicast. */
	record Sent(long at, MdnsMessage message, InetSocketAddress destination) {
	}

	static final MdnsInterface ETH0 = new MdnsInterface("eth0", 2,
			List.of(new MdnsInterface.Address(address("10.9.0.1"), 24)));

	private final ManualScheduler scheduler;

	private final List<Sent> sent = new ArrayList<>();

	RecordingOutput(ManualScheduler scheduler) {
		this.scheduler = scheduler;
	}

	static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (java.net.UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public List<MdnsInterface> interfaces() {
		return List.of(ETH0);
	}

	@Override
	public void multicast(MdnsInterface iface, MdnsMessage message) {
		// Every message must survive our own encoder and decoder unchanged.
		this.sent.add(new Sent(this.scheduler.nowMillis(), MdnsCodecTest.roundTrip(message), null));
	}

	@Override
	public void unicast(MdnsInterface iface, InetSocketAddress destination, MdnsMessage message) {
		this.sent.add(new Sent(this.scheduler.nowMillis(), MdnsCodecTest.roundTrip(message), destination));
	}

	List<Sent> sent() {
		return List.copyOf(this.sent);
	}

	List<Sent> sent(Predicate<MdnsMessage> filter) {
		return this.sent.stream().filter((s) -> filter.test(s.message())).toList();
	}

	void clear() {
		this.sent.clear();
	}

}
