package io.librats.mdns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import io.librats.identity.PeerIds;
import io.netty.util.NetUtil;

/**
 * The querier half of mDNS for {@code _rats._tcp.local.} (RFC 6762 sections 5, 7, 10; RFC 6763): continuous
 * querying with exponential back-off, known answers in every query (split over several packets with the TC bit
 * when they do not fit), a bounded cache with expiry and refresh queries, resolving instances whose SRV, TXT or
 * addresses are missing, and the list of rats services with found and lost events. Runs on the mDNS thread only.
 */
final class Browser {

	/** Payload we put in one query packet: fits an Ethernet MTU with IPv6 and UDP headers (RFC 6762 section 17). */
	static final int MAX_QUERY_BYTES = 1440;

	/** How often expiry, refresh and resolving are checked. */
	static final long TICK_MILLIS = 250;

	private static final int MAX_RESOLVE_ATTEMPTS = 6;

	/** The TXT keys of a rats service (see docs/protocol.md). */
	static final String TXT_PEER_ID = "id";

	static final String TXT_VERSION = "v";

	static final String TXT_NAMESPACE = "ns";

	private final MdnsEnvironment env;

	private final DnsName serviceType;

	private final String selfPeerId;

	private final String namespace;

	private final int protocolVersion;

	private final RecordCache cache;

	private final Consumer<MdnsServiceInfo> found;

	private final Consumer<MdnsServiceInfo> lost;

	private final Function<MdnsInterface, List<MdnsRecord>> ownAnswers;

	private final Map<DnsName, MdnsServiceInfo> services = new LinkedHashMap<>();

	private final Map<DnsName, Resolve> resolving = new HashMap<>();

	private final Map<DnsName, String> ignored = new HashMap<>();

	private long interval;

	private boolean running;

	private MdnsScheduler.Timer queryTimer;

	private MdnsScheduler.Timer tickTimer;

	private static final class Resolve {

		int attempts;

		long nextAt;

	}

	Browser(MdnsEnvironment env, DnsName serviceType, String selfPeerId, String namespace, int protocolVersion,
			Consumer<MdnsServiceInfo> found, Consumer<MdnsServiceInfo> lost,
			Function<MdnsInterface, List<MdnsRecord>> ownAnswers) {
		this.env = env;
		this.serviceType = serviceType;
		this.selfPeerId = selfPeerId;
		this.namespace = namespace;
		this.protocolVersion = protocolVersion;
		this.cache = new RecordCache(env.config().maxCachedRecords(), env.random());
		this.found = found;
		this.lost = lost;
		this.ownAnswers = ownAnswers;
	}

	/** Starts continuous querying: the first query after 20-120 ms (RFC 6762 section 5.2). */
	void start() {
		this.running = true;
		this.interval = this.env.config().queryInterval().toMillis();
		this.queryTimer = this.env.scheduler().schedule(this::query, 20 + this.env.random().nextInt(101));
		this.tickTimer = this.env.scheduler().schedule(this::tick, TICK_MILLIS);
	}

	void stop() {
		this.running = false;
		if (this.queryTimer != null) {
			this.queryTimer.cancel();
		}
		if (this.tickTimer != null) {
			this.tickTimer.cancel();
		}
	}

	/** Interfaces changed: forget what was heard on interfaces gone, and query again from the first interval. */
	void interfacesChanged(List<String> gone) {
		gone.forEach(this.cache::dropInterface);
		update();
		if (this.running) {
			this.queryTimer.cancel();
			this.interval = this.env.config().queryInterval().toMillis();
			this.queryTimer = this.env.scheduler().schedule(this::query, 20 + this.env.random().nextInt(101));
		}
	}

	long queryInterval() {
		return this.interval;
	}

	int cacheSize() {
		return this.cache.size();
	}

	List<MdnsServiceInfo> services() {
		return List.copyOf(this.services.values());
	}

	// --- querying --------------------------------------------------------------------------------------------

	private void query() {
		if (!this.running) {
			return;
		}
		MdnsQuestion question = new MdnsQuestion(this.serviceType, MdnsRecord.PTR, MdnsRecord.CLASS_IN, false);
		for (MdnsInterface iface : this.env.output().interfaces()) {
			send(iface, List.of(question), knownAnswers(iface));
		}
		long next = this.interval;
		this.interval = Math.min(this.interval * 2, this.env.config().maxQueryInterval().toMillis());
		this.queryTimer = this.env.scheduler().schedule(this::query, next);
	}

	/**
	 * Section 7.1: PTR answers we hold with more than half their TTL left, with the TTL they have left; and our own
	 * PTR, so that our responder, hearing our own query through multicast loopback, does not answer it.
	 */
	private List<MdnsRecord> knownAnswers(MdnsInterface iface) {
		long now = this.env.scheduler().nowMillis();
		List<MdnsRecord> known = new ArrayList<>(this.ownAnswers.apply(iface));
		for (RecordCache.Entry entry : this.cache.find(this.serviceType, MdnsRecord.PTR, iface.name())) {
			long left = entry.remainingTtl(now);
			// Our own records come back through multicast loopback and are cached like anyone's; list them once.
			if (left * 2 > entry.record.ttl() && known.stream().noneMatch(entry.record::sameRecord)) {
				known.add(entry.record.withTtl(left).withCacheFlush(false));
			}
		}
		return known;
	}

	/**
	 * Sends questions with known answers; answers that do not fit follow in further packets without questions, every
	 * packet but the last with the TC bit (section 7.2).
	 */
	private void send(MdnsInterface iface, List<MdnsQuestion> questions, List<MdnsRecord> known) {
		this.env.metrics().increment(MdnsMetrics.QUERIES_SENT);
		List<MdnsQuestion> pendingQuestions = questions;
		List<MdnsRecord> packet = new ArrayList<>();
		for (MdnsRecord answer : known) {
			packet.add(answer);
			if (packet.size() > 1 && MdnsCodec.encode(MdnsMessage.query(pendingQuestions, packet, List.of())).length
					> MAX_QUERY_BYTES) {
				packet.remove(packet.size() - 1);
				this.env.output().multicast(iface, new MdnsMessage(0, MdnsMessage.FLAG_TRUNCATED, pendingQuestions, packet,
						List.of(), List.of()));
				pendingQuestions = List.of();
				packet = new ArrayList<>();
				packet.add(answer);
			}
		}
		this.env.output().multicast(iface, MdnsMessage.query(pendingQuestions, packet, List.of()));
	}

	// --- receiving -------------------------------------------------------------------------------------------

	/** A response arrived on {@code iface}: cache what concerns rats services and update the list. */
	void onResponse(MdnsMessage response, MdnsInterface iface) {
		if (!this.running) {
			return;
		}
		long now = this.env.scheduler().nowMillis();
		List<MdnsRecord> records = new ArrayList<>(response.answers());
		records.addAll(response.additionals());
		// Service records first, so the addresses of SRV targets in the same packet are recognised.
		for (MdnsRecord record : records) {
			if (record.rrClass() == MdnsRecord.CLASS_IN && isServiceRecord(record)) {
				evicted(this.cache.put(record, iface.name(), now));
			}
		}
		for (MdnsRecord record : records) {
			if (record.rrClass() == MdnsRecord.CLASS_IN && (record.type() == MdnsRecord.A || record.type() == MdnsRecord.AAAA)
					&& isServiceHost(record.name())) {
				evicted(this.cache.put(record, iface.name(), now));
			}
		}
		update();
	}

	private boolean isServiceRecord(MdnsRecord record) {
		if (record.type() == MdnsRecord.PTR) {
			return record.name().equals(this.serviceType) && record.ptrTarget().parent().equals(this.serviceType);
		}
		return (record.type() == MdnsRecord.SRV || record.type() == MdnsRecord.TXT)
				&& record.name().parent().equals(this.serviceType);
	}

	private boolean isServiceHost(DnsName host) {
		for (RecordCache.Entry srv : allSrv()) {
			if (srv.record.srvTarget().equals(host)) {
				return true;
			}
		}
		return false;
	}

	private List<RecordCache.Entry> allSrv() {
		List<RecordCache.Entry> srvs = new ArrayList<>();
		for (RecordCache.Entry ptr : this.cache.find(this.serviceType, MdnsRecord.PTR, null)) {
			srvs.addAll(this.cache.find(ptr.record.ptrTarget(), MdnsRecord.SRV, ptr.iface));
		}
		return srvs;
	}

	private void evicted(int count) {
		if (count > 0) {
			this.env.metrics().add(MdnsMetrics.CACHE_EVICTED, count);
		}
	}

	// --- expiry, refresh, resolving --------------------------------------------------------------------------

	private void tick() {
		if (!this.running) {
			return;
		}
		long now = this.env.scheduler().nowMillis();
		this.cache.expire(now);
		Map<String, List<MdnsQuestion>> refresh = new HashMap<>();
		for (RecordCache.Entry entry : this.cache.dueForRefresh(now)) {
			MdnsQuestion question = new MdnsQuestion(entry.record.name(), entry.record.type(), MdnsRecord.CLASS_IN, false);
			List<MdnsQuestion> questions = refresh.computeIfAbsent(entry.iface, (k) -> new ArrayList<>());
			if (!questions.contains(question)) {
				questions.add(question);
			}
		}
		for (MdnsInterface iface : this.env.output().interfaces()) {
			List<MdnsQuestion> questions = refresh.get(iface.name());
			if (questions != null) {
				send(iface, questions, questions.stream().anyMatch((q) -> q.name().equals(this.serviceType))
						? knownAnswers(iface) : List.of());
			}
		}
		update();
		this.tickTimer = this.env.scheduler().schedule(this::tick, TICK_MILLIS);
	}

	/** Rebuilds the list of services from the cache, tells listeners what changed and resolves what is missing. */
	private void update() {
		long now = this.env.scheduler().nowMillis();
		Map<DnsName, MdnsServiceInfo> current = new LinkedHashMap<>();
		List<DnsName> instances = new ArrayList<>();
		for (RecordCache.Entry ptr : this.cache.find(this.serviceType, MdnsRecord.PTR, null)) {
			DnsName instance = ptr.record.ptrTarget();
			if (!instances.contains(instance)) {
				instances.add(instance);
			}
			if (current.containsKey(instance)) {
				continue;
			}
			MdnsServiceInfo info = resolve(instance, ptr.iface);
			if (info == null) {
				resolveLater(instance, ptr.iface, now);
			}
			else if (accept(instance, info) && current.size() < this.env.config().maxServices()) {
				current.put(instance, info);
			}
		}
		this.resolving.keySet().retainAll(instances);
		this.ignored.keySet().retainAll(instances);
		for (Map.Entry<DnsName, MdnsServiceInfo> entry : current.entrySet()) {
			MdnsServiceInfo before = this.services.get(entry.getKey());
			if (!entry.getValue().equals(before)) {
				if (before == null) {
					this.env.metrics().increment(MdnsMetrics.SERVICES_FOUND);
				}
				this.found.accept(entry.getValue());
			}
		}
		for (Map.Entry<DnsName, MdnsServiceInfo> entry : this.services.entrySet()) {
			if (!current.containsKey(entry.getKey())) {
				this.env.metrics().increment(MdnsMetrics.SERVICES_LOST);
				this.lost.accept(entry.getValue());
			}
		}
		this.services.clear();
		this.services.putAll(current);
	}

	/** Whether a complete service is a rats peer we want: ourselves, other namespaces and versions are left out. */
	private boolean accept(DnsName instance, MdnsServiceInfo info) {
		String reason = null;
		if (!PeerIds.isWellFormed(info.peerId())) {
			reason = "no valid peer id";
		}
		else if (info.peerId().equals(this.selfPeerId)) {
			return false;
		}
		else if (!this.namespace.equals(info.namespace())) {
			reason = "namespace '" + info.namespace() + "'";
		}
		else if (info.protocolVersion() != this.protocolVersion) {
			reason = "protocol version " + info.protocolVersion();
		}
		if (reason != null && this.ignored.put(instance, reason) == null) {
			this.env.metrics().increment(MdnsMetrics.SERVICES_IGNORED);
		}
		return reason == null;
	}

	private MdnsServiceInfo resolve(DnsName instance, String iface) {
		List<RecordCache.Entry> srvs = this.cache.find(instance, MdnsRecord.SRV, iface);
		List<RecordCache.Entry> txts = this.cache.find(instance, MdnsRecord.TXT, iface);
		if (srvs.isEmpty() || txts.isEmpty()) {
			return null;
		}
		MdnsRecord srv = newest(srvs);
		DnsName host = srv.srvTarget();
		List<InetAddress> v4 = new ArrayList<>();
		List<InetAddress> v6 = new ArrayList<>();
		for (int type : new int[] { MdnsRecord.A, MdnsRecord.AAAA }) {
			for (RecordCache.Entry address : this.cache.find(host, type, iface)) {
				InetAddress inet = address.record.address();
				(inet instanceof Inet4Address ? v4 : v6).add(inet);
			}
		}
		if (v4.isEmpty() && v6.isEmpty()) {
			return null;
		}
		List<String> addresses = new ArrayList<>();
		v4.forEach((a) -> addresses.add(NetUtil.toAddressString(a)));
		// Global IPv6 before link-local; link-local needs the interface to be dialable.
		v6.stream().filter((a) -> !a.isLinkLocalAddress()).forEach((a) -> addresses.add(NetUtil.toAddressString(a)));
		v6.stream().filter(InetAddress::isLinkLocalAddress).forEach((a) -> addresses.add(
				NetUtil.toAddressString(a) + "%" + iface));
		Map<String, String> txt = parseTxt(newest(txts));
		int version;
		try {
			version = Integer.parseInt(txt.getOrDefault(TXT_VERSION, "-1"));
		}
		catch (NumberFormatException ex) {
			version = -1;
		}
		return new MdnsServiceInfo(instance.first(), host.toString(), srv.srvPort(), addresses,
				txt.getOrDefault(TXT_PEER_ID, ""), version, txt.getOrDefault(TXT_NAMESPACE, ""), txt, iface);
	}

	private static MdnsRecord newest(List<RecordCache.Entry> entries) {
		RecordCache.Entry newest = entries.get(0);
		for (RecordCache.Entry entry : entries) {
			if (entry.receivedAt > newest.receivedAt) {
				newest = entry;
			}
		}
		return newest.record;
	}

	/**
	 * RFC 6763 section 6: {@code key=value} strings, keys compared case-insensitively, the first occurrence of a key
	 * wins, a string without {@code =} is a key with an empty value, strings starting with {@code =} are ignored.
	 */
	static Map<String, String> parseTxt(MdnsRecord txt) {
		Map<String, String> values = new LinkedHashMap<>();
		for (byte[] bytes : txt.txtStrings()) {
			String string = new String(bytes, StandardCharsets.UTF_8);
			int equals = string.indexOf('=');
			String key = (equals < 0) ? string : string.substring(0, equals);
			if (key.isEmpty()) {
				continue;
			}
			values.putIfAbsent(key.toLowerCase(Locale.ROOT), (equals < 0) ? "" : string.substring(equals + 1));
		}
		return values;
	}

	/** Asks for the SRV and TXT of an instance, or the addresses of its host, with back-off (1, 2, 4 ... s). */
	private void resolveLater(DnsName instance, String ifaceName, long now) {
		Resolve state = this.resolving.computeIfAbsent(instance, (k) -> new Resolve());
		if (state.nextAt > now || state.attempts >= MAX_RESOLVE_ATTEMPTS) {
			return;
		}
		MdnsInterface iface = this.env.output().interfaces().stream()
			.filter((i) -> i.name().equals(ifaceName))
			.findFirst()
			.orElse(null);
		if (iface == null) {
			return;
		}
		List<MdnsQuestion> questions = new ArrayList<>();
		List<RecordCache.Entry> srvs = this.cache.find(instance, MdnsRecord.SRV, ifaceName);
		if (srvs.isEmpty() || this.cache.find(instance, MdnsRecord.TXT, ifaceName).isEmpty()) {
			questions.add(new MdnsQuestion(instance, MdnsRecord.SRV, MdnsRecord.CLASS_IN, false));
			questions.add(new MdnsQuestion(instance, MdnsRecord.TXT, MdnsRecord.CLASS_IN, false));
		}
		else {
			DnsName host = newest(srvs).srvTarget();
			questions.add(new MdnsQuestion(host, MdnsRecord.A, MdnsRecord.CLASS_IN, false));
			questions.add(new MdnsQuestion(host, MdnsRecord.AAAA, MdnsRecord.CLASS_IN, false));
		}
		send(iface, questions, List.of());
		state.nextAt = now + (1000L << state.attempts);
		state.attempts++;
	}

}
