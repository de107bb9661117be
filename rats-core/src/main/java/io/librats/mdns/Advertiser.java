package io.librats.mdns;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;


/**
 * The responder half of mDNS for our one DNS-SD service (RFC 6762 sections 6 to 10): probes for the instance and
 * host names, resolves simultaneous probes by the tie-break of section 8.2, renames on conflict (section 9),
 * announces, answers queries (known-answer and duplicate-answer suppression, delays for shared answers, QU and legacy
 * unicast), re-announces before the host records' TTL runs out, and says goodbye. Runs on the mDNS thread only.
 */
final class Advertiser {

	enum State {
		IDLE, PROBING, ANNOUNCING, ANNOUNCED, STOPPED
	}

	static final int MDNS_PORT = 5353;

	/** RFC 6763 section 9: the name browsed to enumerate service types. */
	static final DnsName SERVICES = DnsName.parse("_services._dns-sd._udp.local.");

	private static final int PROBES = 3;

	/** RFC 6762 section 8.2: the loser of a simultaneous probe waits one second before probing again. */
	private static final long LOST_TIE_BREAK_DELAY = 1000;

	/** RFC 6762 section 8.1: after 15 conflicts in 10 seconds, wait 5 seconds before each further probe. */
	private static final int CONFLICT_BURST = 15;

	private static final long CONFLICT_WINDOW = 10_000;

	private static final long CONFLICT_BACKOFF = 5_000;

	/** RFC 6762 section 6.7: TTL cap in answers to legacy unicast queries. */
	private static final long LEGACY_TTL = 10;

	private final MdnsEnvironment env;

	private final DnsName serviceType;

	private final int port;

	private final List<String> txt;

	private final String baseInstance;

	private final String baseHost;

	private final Consumer<String> nameListener;

	private final Deque<Long> conflicts = new ArrayDeque<>();

	private final Map<String, PendingAnswer> pending = new HashMap<>();

	private State state = State.IDLE;

	private String instanceLabel;

	private String hostLabel;

	private int instanceRenames;

	private int hostRenames;

	private DnsName instanceName;

	private DnsName hostName;

	private int probesSent;

	private int announcementsSent;

	private MdnsScheduler.Timer timer;

	/**
	 * @param nameListener told the instance name each time probing settles on one (the first time and after a rename)
	 */
	Advertiser(MdnsEnvironment env, DnsName serviceType, String instance, String host, int port, List<String> txt,
			Consumer<String> nameListener) {
		this.env = env;
		this.serviceType = serviceType;
		this.baseInstance = instance;
		this.baseHost = host;
		this.port = port;
		this.txt = List.copyOf(txt);
		this.nameListener = nameListener;
		this.instanceLabel = instance;
		this.hostLabel = host;
		this.instanceName = serviceType.prepend(instance);
		this.hostName = DnsName.parse("local.").prepend(host);
	}

	State state() {
		return this.state;
	}

	/** The instance label we hold or are probing for. */
	String instanceLabel() {
		return this.instanceLabel;
	}

	DnsName instanceName() {
		return this.instanceName;
	}

	DnsName hostName() {
		return this.hostName;
	}

	/** Starts probing after a random 0-250 ms delay (RFC 6762 section 8.1). */
	void start() {
		this.state = State.PROBING;
		this.probesSent = 0;
		reschedule(this::probe, this.env.random().nextInt(250));
	}

	/** Sends goodbyes if we had announced, and stops every timer. */
	void stop() {
		if (this.state == State.ANNOUNCING || this.state == State.ANNOUNCED) {
			for (MdnsInterface iface : this.env.output().interfaces()) {
				List<MdnsRecord> goodbyes = new ArrayList<>();
				records(iface).forEach((record) -> goodbyes.add(record.withTtl(0)));
				this.env.output().multicast(iface, MdnsMessage.response(goodbyes, List.of()));
			}
			this.env.metrics().increment(MdnsMetrics.GOODBYES_SENT);
		}
		this.state = State.STOPPED;
		cancelTimer();
		this.pending.values().forEach((answer) -> answer.timer.cancel());
		this.pending.clear();
	}

	/**
	 * Interfaces or addresses changed: goodbye for address records that disappeared from interfaces still in use,
	 * then probe and announce again on the current set (RFC 6762 section 8: probing whenever connectivity changes).
	 */
	void interfacesChanged(Map<String, List<MdnsRecord>> before) {
		if (this.state == State.STOPPED || this.state == State.IDLE) {
			return;
		}
		for (MdnsInterface iface : this.env.output().interfaces()) {
			List<MdnsRecord> old = before.get(iface.name());
			if (old == null) {
				continue;
			}
			List<MdnsRecord> now = records(iface);
			List<MdnsRecord> gone = new ArrayList<>();
			for (MdnsRecord record : old) {
				if (now.stream().noneMatch(record::sameRecord)) {
					gone.add(record.withTtl(0));
				}
			}
			if (!gone.isEmpty()) {
				this.env.output().multicast(iface, MdnsMessage.response(gone, List.of()));
			}
		}
		start();
	}

	/** Our records as announced on {@code iface}: PTR, SRV, TXT and the interface's addresses. */
	List<MdnsRecord> records(MdnsInterface iface) {
		long serviceTtl = this.env.config().serviceTtl().toSeconds();
		long hostTtl = this.env.config().hostTtl().toSeconds();
		List<MdnsRecord> records = new ArrayList<>();
		records.add(MdnsRecord.ptr(this.serviceType, this.instanceName, serviceTtl));
		records.add(MdnsRecord.srv(this.instanceName, this.port, this.hostName, hostTtl));
		records.add(MdnsRecord.txt(this.instanceName, this.txt, serviceTtl));
		for (MdnsInterface.Address address : iface.addresses()) {
			boolean v4 = address.address() instanceof Inet4Address;
			if (v4 ? this.env.config().ipv4() : this.env.config().ipv6()) {
				records.add(MdnsRecord.address(this.hostName, address.address(), hostTtl));
			}
		}
		return records;
	}

	/** Our PTR record once our name is ours (for our own queries' known answers), else nothing. */
	List<MdnsRecord> announcedPointer(MdnsInterface iface) {
		if (this.state != State.ANNOUNCING && this.state != State.ANNOUNCED) {
			return List.of();
		}
		return List.of(MdnsRecord.ptr(this.serviceType, this.instanceName, this.env.config().serviceTtl().toSeconds()));
	}

	private List<MdnsRecord> unique(List<MdnsRecord> records) {
		return records.stream().filter(MdnsRecord::cacheFlush).toList();
	}

	// --- probing ---------------------------------------------------------------------------------------------

	private void probe() {
		if (this.state != State.PROBING) {
			return;
		}
		boolean first = this.probesSent == 0;
		for (MdnsInterface iface : this.env.output().interfaces()) {
			List<MdnsQuestion> questions = List.of(
					new MdnsQuestion(this.instanceName, MdnsQuestion.ANY, MdnsRecord.CLASS_IN, first),
					new MdnsQuestion(this.hostName, MdnsQuestion.ANY, MdnsRecord.CLASS_IN, first));
			// Authority records carry no cache-flush bit (RFC 6762 section 10.2: it is only set in responses).
			List<MdnsRecord> authorities = unique(records(iface)).stream().map((r) -> r.withCacheFlush(false)).toList();
			this.env.output().multicast(iface, MdnsMessage.query(questions, List.of(), authorities));
		}
		this.env.metrics().increment(MdnsMetrics.PROBES_SENT);
		this.probesSent++;
		long interval = this.env.config().probeInterval().toMillis();
		reschedule((this.probesSent < PROBES) ? this::probe : this::probingDone, interval);
	}

	private void probingDone() {
		if (this.state != State.PROBING) {
			return;
		}
		this.state = State.ANNOUNCING;
		this.announcementsSent = 0;
		this.nameListener.accept(this.instanceLabel);
		announce();
	}

	/** A probe from someone (maybe ourselves, looped back) arrived: section 8.2 tie-breaking while we probe. */
	void onProbe(MdnsMessage probe, MdnsInterface iface) {
		if (this.state != State.PROBING) {
			return;
		}
		List<MdnsRecord> ours = unique(records(iface));
		for (DnsName name : List.of(this.instanceName, this.hostName)) {
			List<MdnsRecord> theirs = probe.authorities().stream().filter((r) -> r.name().equals(name)).toList();
			if (theirs.isEmpty()) {
				continue;
			}
			int order = compareRecordSets(ours.stream().filter((r) -> r.name().equals(name)).toList(), theirs);
			if (order < 0) {
				// We lost: wait one second, then probe again from the start (RFC 6762 section 8.2).
				this.env.metrics().increment(MdnsMetrics.TIE_BREAKS_LOST);
				this.probesSent = 0;
				reschedule(this::probe, LOST_TIE_BREAK_DELAY);
				return;
			}
		}
	}

	/**
	 * RFC 6762 section 8.2.1: both sets sorted by class, type, then rdata bytes; compared pair by pair; the first
	 * difference decides, and a set that is a prefix of the other loses. Negative when {@code ours} is earlier.
	 */
	static int compareRecordSets(List<MdnsRecord> ours, List<MdnsRecord> theirs) {
		Comparator<MdnsRecord> order = Comparator.comparingInt(MdnsRecord::rrClass)
			.thenComparingInt(MdnsRecord::type)
			.thenComparing(MdnsRecord::rdata, Arrays::compareUnsigned);
		List<MdnsRecord> a = ours.stream().sorted(order).toList();
		List<MdnsRecord> b = theirs.stream().sorted(order).toList();
		for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
			int c = order.compare(a.get(i), b.get(i));
			if (c != 0) {
				return c;
			}
		}
		return Integer.compare(a.size(), b.size());
	}

	// --- conflicts -------------------------------------------------------------------------------------------

	/**
	 * A response arrived: a record for one of our unique names that is not one of ours is a conflict. While probing
	 * we rename at once; once announced we probe again first (RFC 6762 section 9), which renames if the other host
	 * still answers. Records of ours that others repeat suppress answers we still had pending (section 7.4).
	 */
	void onResponse(MdnsMessage response, MdnsInterface iface) {
		if (this.state == State.STOPPED || this.state == State.IDLE) {
			return;
		}
		List<MdnsRecord> received = new ArrayList<>(response.answers());
		received.addAll(response.additionals());
		suppressPending(iface, received);
		List<MdnsRecord> ours = new ArrayList<>();
		this.env.output().interfaces().forEach((i) -> ours.addAll(records(i)));
		boolean instanceConflict = false;
		boolean hostConflict = false;
		for (MdnsRecord record : received) {
			if (record.ttl() == 0 || record.rrClass() != MdnsRecord.CLASS_IN || record.type() == MdnsRecord.NSEC
					|| record.type() == MdnsRecord.PTR) {
				continue;
			}
			boolean instance = record.name().equals(this.instanceName);
			boolean host = record.name().equals(this.hostName);
			if ((instance || host) && ours.stream().noneMatch(record::sameRecord)) {
				instanceConflict |= instance;
				hostConflict |= host;
			}
		}
		if (!instanceConflict && !hostConflict) {
			return;
		}
		this.env.metrics().increment(MdnsMetrics.CONFLICTS);
		long now = this.env.scheduler().nowMillis();
		this.conflicts.addLast(now);
		// Only the last CONFLICT_BURST conflicts matter, so a flood of conflicting packets cannot grow this.
		while (this.conflicts.size() > CONFLICT_BURST || now - this.conflicts.peekFirst() > CONFLICT_WINDOW) {
			this.conflicts.removeFirst();
		}
		if (this.state == State.PROBING) {
			if (instanceConflict) {
				this.instanceRenames++;
				this.instanceLabel = numbered(this.baseInstance, " (" + (this.instanceRenames + 1) + ")");
				this.instanceName = this.serviceType.prepend(this.instanceLabel);
			}
			if (hostConflict) {
				this.hostRenames++;
				this.hostLabel = this.baseHost + "-" + (this.hostRenames + 1);
				this.hostName = DnsName.parse("local.").prepend(this.hostLabel);
			}
		}
		this.state = State.PROBING;
		this.probesSent = 0;
		reschedule(this::probe, (this.conflicts.size() >= CONFLICT_BURST) ? CONFLICT_BACKOFF : 0);
	}

	/** {@code base + suffix}, with {@code base} shortened (by whole code points) so the label fits in 63 bytes. */
	static String numbered(String base, String suffix) {
		String label = base;
		while ((label + suffix).getBytes(java.nio.charset.StandardCharsets.UTF_8).length > DnsName.MAX_LABEL_BYTES) {
			label = label.substring(0, label.offsetByCodePoints(label.length(), -1));
		}
		return label + suffix;
	}

	// --- announcing ------------------------------------------------------------------------------------------

	private void announce() {
		if (this.state != State.ANNOUNCING && this.state != State.ANNOUNCED) {
			return;
		}
		for (MdnsInterface iface : this.env.output().interfaces()) {
			this.env.output().multicast(iface, MdnsMessage.response(records(iface), List.of()));
		}
		this.env.metrics().increment(MdnsMetrics.ANNOUNCEMENTS_SENT);
		this.announcementsSent++;
		if (this.announcementsSent < this.env.config().announceCount()) {
			reschedule(this::announce, this.env.config().announceInterval().toMillis());
		}
		else {
			this.state = State.ANNOUNCED;
			// Announce again before the shortest TTL runs out, so caches that missed our answers never expire us.
			reschedule(this::announce, this.env.config().hostTtl().toMillis() * 8 / 10);
		}
	}

	// --- answering -------------------------------------------------------------------------------------------

	/** Answers a query (RFC 6762 sections 5.4, 6, 6.7, 7.1, 7.2) once our names are ours. */
	void onQuery(MdnsMessage query, InetSocketAddress source, MdnsInterface iface) {
		List<MdnsRecord> known = query.answers();
		suppressPending(iface, known);
		if (this.state != State.ANNOUNCING && this.state != State.ANNOUNCED || query.questions().isEmpty()) {
			return;
		}
		boolean legacy = source.getPort() != MDNS_PORT;
		boolean unicast = legacy;
		List<MdnsRecord> ours = records(iface);
		Set<MdnsRecord> answers = new LinkedHashSet<>();
		for (MdnsQuestion question : query.questions()) {
			if (question.name().equals(SERVICES) && (question.type() == MdnsRecord.PTR || question.type() == MdnsQuestion.ANY)) {
				answers.add(MdnsRecord.ptr(SERVICES, this.serviceType, this.env.config().serviceTtl().toSeconds()));
			}
			int before = answers.size();
			ours.stream().filter(question::matches).forEach(answers::add);
			unicast |= question.unicastResponse() && answers.size() > before;
		}
		answers.removeIf((answer) -> isKnown(answer, known));
		if (answers.isEmpty()) {
			return;
		}
		List<MdnsRecord> additionals = additionals(answers, ours, known);
		this.env.metrics().increment(MdnsMetrics.ANSWERS_SENT);
		if (legacy) {
			this.env.output().unicast(iface, source, new MdnsMessage(query.id(), MdnsMessage.FLAG_RESPONSE
					| MdnsMessage.FLAG_AUTHORITATIVE, query.questions(), legacy(answers), List.of(), legacy(additionals)));
			return;
		}
		if (unicast) {
			this.env.output().unicast(iface, source, MdnsMessage.response(List.copyOf(answers), additionals));
			return;
		}
		boolean shared = answers.stream().anyMatch((answer) -> !answer.cacheFlush());
		if (!shared && !query.isTruncated()) {
			this.env.output().multicast(iface, MdnsMessage.response(List.copyOf(answers), additionals));
			return;
		}
		// Shared answers wait 20-120 ms, 400-500 ms when more known answers follow (sections 6 and 7.2).
		long delay = query.isTruncated() ? 400 + this.env.random().nextInt(101) : 20 + this.env.random().nextInt(101);
		PendingAnswer answer = this.pending.get(iface.name());
		if (answer == null) {
			answer = new PendingAnswer(iface);
			this.pending.put(iface.name(), answer);
			PendingAnswer scheduled = answer;
			answer.timer = this.env.scheduler().schedule(() -> sendPending(scheduled), delay);
		}
		answer.answers.addAll(answers);
		answer.additionals.addAll(additionals);
	}

	private static boolean isKnown(MdnsRecord answer, List<MdnsRecord> known) {
		// Section 7.1: suppressed when the asker holds it with at least half the true TTL.
		return known.stream().anyMatch((k) -> k.sameRecord(answer) && k.ttl() >= answer.ttl() / 2);
	}

	private List<MdnsRecord> additionals(Set<MdnsRecord> answers, List<MdnsRecord> ours, List<MdnsRecord> known) {
		// RFC 6763 section 12: SRV, TXT and addresses with a PTR answer; addresses with an SRV answer.
		Set<MdnsRecord> extra = new LinkedHashSet<>();
		for (MdnsRecord answer : answers) {
			if (answer.type() == MdnsRecord.PTR && answer.name().equals(this.serviceType)) {
				ours.stream().filter((r) -> r.type() != MdnsRecord.PTR).forEach(extra::add);
			}
			else if (answer.type() == MdnsRecord.SRV) {
				ours.stream().filter((r) -> r.name().equals(this.hostName)).forEach(extra::add);
			}
		}
		extra.removeAll(answers);
		extra.removeIf((record) -> isKnown(record, known));
		return List.copyOf(extra);
	}

	private static List<MdnsRecord> legacy(java.util.Collection<MdnsRecord> records) {
		return records.stream().map((r) -> r.withTtl(Math.min(r.ttl(), LEGACY_TTL)).withCacheFlush(false)).toList();
	}

	private void suppressPending(MdnsInterface iface, List<MdnsRecord> heard) {
		PendingAnswer answer = this.pending.get(iface.name());
		if (answer != null && !heard.isEmpty()) {
			answer.answers.removeIf((record) -> isKnown(record, heard));
		}
	}

	private void sendPending(PendingAnswer answer) {
		this.pending.remove(answer.iface.name(), answer);
		if (this.state == State.STOPPED || answer.answers.isEmpty()) {
			return;
		}
		answer.additionals.removeAll(answer.answers);
		this.env.output().multicast(answer.iface, MdnsMessage.response(List.copyOf(answer.answers),
				List.copyOf(answer.additionals)));
	}

	private void reschedule(Runnable task, long delayMillis) {
		cancelTimer();
		this.timer = this.env.scheduler().schedule(task, delayMillis);
	}

	private void cancelTimer() {
		if (this.timer != null) {
			this.timer.cancel();
			this.timer = null;
		}
	}

	/** Shared answers for one interface, waiting out their random delay. */
	private static final class PendingAnswer {

		final MdnsInterface iface;

		final Set<MdnsRecord> answers = new LinkedHashSet<>();

		final Set<MdnsRecord> additionals = new LinkedHashSet<>();

		MdnsScheduler.Timer timer;

		PendingAnswer(MdnsInterface iface) {
			this.iface = iface;
		}

	}

}
