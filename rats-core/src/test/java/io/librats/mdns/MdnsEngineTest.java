package io.librats.mdns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.librats.metrics.RatsMetrics;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mDNS protocol logic on a virtual clock, no sockets: probing, tie-breaking, renaming, announcing, answering
 * with known-answer suppression and legacy unicast, continuous querying with back-off, the cache (goodbyes, refresh,
 * bound) and what is reported as found and lost.
 */
class MdnsEngineTest {

	static final String SELF = "11".repeat(20);

	static final String OTHER = "22".repeat(20);

	static final DnsName TYPE = MdnsEngine.SERVICE_TYPE;

	static final DnsName OTHER_INSTANCE = TYPE.prepend("other");

	static final DnsName OTHER_HOST = DnsName.parse("rats-222222222222.local.");

	static final InetSocketAddress NEIGHBOUR = new InetSocketAddress(RecordingOutput.address("10.9.0.2"), 5353);

	private final ManualScheduler scheduler = new ManualScheduler();

	private final RecordingOutput output = new RecordingOutput(this.scheduler);

	private final RatsMetrics metrics = new RatsMetrics();

	private final List<String> events = new ArrayList<>();

	static MdnsEngine engine(ManualScheduler scheduler, RecordingOutput output, RatsMetrics metrics, MdnsConfig config,
			Random random) {
		return engine(scheduler, output, metrics, config, random, new ArrayList<>());
	}

	static MdnsEngine engine(ManualScheduler scheduler, RecordingOutput output, RatsMetrics metrics, MdnsConfig config,
			Random random, List<String> events) {
		return new MdnsEngine(config, scheduler, output, random, metrics,
				new MdnsEngine.Node(SELF, 7800, "rats", 1, "me"), (name) -> events.add("NAME " + name),
				new MdnsServiceListener() {
					@Override
					public void serviceFound(MdnsServiceInfo service) {
						events.add("FOUND " + service.peerId() + " " + service.addresses() + " " + service.port());
					}

					@Override
					public void serviceLost(MdnsServiceInfo service) {
						events.add("LOST " + service.peerId());
					}
				});
	}

	private MdnsEngine engine(MdnsConfig config) {
		return engine(this.scheduler, this.output, this.metrics, config, new Random(7), this.events);
	}

	private void deliver(MdnsEngine engine, MdnsMessage message, InetSocketAddress from) {
		engine.receive(Unpooled.wrappedBuffer(MdnsCodec.encode(message)), from);
	}

	static List<MdnsRecord> otherRecords(long ttl, String namespace) {
		return List.of(MdnsRecord.ptr(TYPE, OTHER_INSTANCE, ttl), MdnsRecord.srv(OTHER_INSTANCE, 7801, OTHER_HOST, ttl),
				MdnsRecord.txt(OTHER_INSTANCE, List.of("txtvers=1", "id=" + OTHER, "v=1", "ns=" + namespace), ttl),
				MdnsRecord.address(OTHER_HOST, RecordingOutput.address("10.9.0.2"), ttl));
	}

	private static boolean isProbe(MdnsMessage m) {
		return m.isProbe();
	}

	private static boolean isBrowse(MdnsMessage m) {
		return !m.isResponse() && m.questions().size() == 1 && m.questions().get(0).name().equals(TYPE);
	}

	@Test
	void probesThreeTimes250MsApartThenAnnouncesTwiceAndSaysGoodbye() {
		MdnsEngine engine = engine(MdnsConfig.defaults());
		engine.start();
		this.scheduler.advance(5000);
		List<RecordingOutput.Sent> probes = this.output.sent(MdnsEngineTest::isProbe);
		assertThat(probes).hasSize(3);
		assertThat(probes.get(1).at() - probes.get(0).at()).isEqualTo(250);
		assertThat(probes.get(2).at() - probes.get(1).at()).isEqualTo(250);
		MdnsMessage probe = probes.get(0).message();
		assertThat(probe.questions()).extracting(MdnsQuestion::type).containsOnly(MdnsQuestion.ANY);
		assertThat(probe.questions()).extracting(MdnsQuestion::unicastResponse).containsOnly(true);
		assertThat(probes.get(1).message().questions()).extracting(MdnsQuestion::unicastResponse).containsOnly(false);
		assertThat(probe.authorities()).extracting(MdnsRecord::type)
			.containsExactlyInAnyOrder(MdnsRecord.SRV, MdnsRecord.TXT, MdnsRecord.A);
		assertThat(probe.authorities()).noneMatch(MdnsRecord::cacheFlush);

		List<RecordingOutput.Sent> announcements = this.output.sent((m) -> m.isResponse());
		assertThat(announcements).hasSize(2);
		assertThat(announcements.get(0).at() - probes.get(2).at()).isEqualTo(250);
		assertThat(announcements.get(1).at() - announcements.get(0).at()).isEqualTo(1000);
		MdnsMessage announcement = announcements.get(0).message();
		assertThat(announcement.answers()).filteredOn((r) -> r.type() == MdnsRecord.PTR).noneMatch(MdnsRecord::cacheFlush);
		assertThat(announcement.answers()).filteredOn((r) -> r.type() != MdnsRecord.PTR).allMatch(MdnsRecord::cacheFlush);
		MdnsRecord txt = announcement.answers().stream().filter((r) -> r.type() == MdnsRecord.TXT).findFirst().orElseThrow();
		assertThat(Browser.parseTxt(txt)).containsEntry("id", SELF).containsEntry("v", "1").containsEntry("ns", "rats");
		assertThat(this.events).containsExactly("NAME me");

		this.output.clear();
		engine.stop();
		assertThat(this.output.sent()).singleElement()
			.satisfies((s) -> assertThat(s.message().answers()).hasSize(4).allMatch((r) -> r.ttl() == 0));
	}

	@Test
	void aConflictWhileProbingRenamesTheInstance() {
		MdnsEngine engine = engine(MdnsConfig.defaults());
		engine.start();
		this.scheduler.advance(300);
		DnsName me = TYPE.prepend("me");
		deliver(engine, MdnsMessage.response(List.of(MdnsRecord.srv(me, 9999, OTHER_HOST, 120)), List.of()), NEIGHBOUR);
		this.scheduler.advance(3000);
		assertThat(this.events).containsExactly("NAME me (2)");
		assertThat(engine.advertiser().instanceName()).isEqualTo(TYPE.prepend("me (2)"));
		assertThat(this.metrics.get(MdnsMetrics.CONFLICTS)).isEqualTo(1);
	}

	@Test
	void renamedLabelsStayWithin63Bytes() {
		String base = "é".repeat(31); // 62 bytes
		String renamed = Advertiser.numbered(base, " (2)");
		assertThat(renamed).endsWith(" (2)").startsWith("é");
		assertThat(renamed.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
		assertThat(Advertiser.numbered("short", " (3)")).isEqualTo("short (3)");
	}

	@Test
	void aFloodOfConflictsSlowsProbingDown() {
		MdnsEngine engine = engine(MdnsConfig.defaults());
		engine.start();
		this.scheduler.advance(300);
		for (int i = 0; i < 40; i++) {
			DnsName wanted = engine.advertiser().instanceName();
			deliver(engine, MdnsMessage.response(List.of(MdnsRecord.srv(wanted, 9999, OTHER_HOST, 120)), List.of()),
					NEIGHBOUR);
			this.scheduler.advance(10);
		}
		assertThat(this.metrics.get(MdnsMetrics.CONFLICTS)).isEqualTo(40);
		this.output.clear();
		this.scheduler.advance(4000);
		assertThat(this.output.sent(MdnsEngineTest::isProbe)).as("RFC 6762 8.1: 5 s between probes").isEmpty();
		this.scheduler.advance(1100);
		assertThat(this.output.sent(MdnsEngineTest::isProbe)).isNotEmpty();
	}

	@Test
	void aSimultaneousProbeWithLaterDataWinsAndOursWaitsASecond() {
		MdnsEngine engine = engine(MdnsConfig.defaults());
		engine.start();
		this.scheduler.advance(260); // first probe sent
		long lost = this.scheduler.nowMillis();
		DnsName me = TYPE.prepend("me");
		// Same TXT as ours, so the SRV data decides: port 65000 sorts after our 7800.
		MdnsRecord txt = MdnsRecord.txt(me, List.of("txtvers=1", "id=" + SELF, "v=1", "ns=rats"), 4500)
			.withCacheFlush(false);
		MdnsMessage theirs = MdnsMessage.query(List.of(new MdnsQuestion(me, MdnsQuestion.ANY, 1, false)), List.of(),
				List.of(MdnsRecord.srv(me, 65000, OTHER_HOST, 120).withCacheFlush(false), txt));
		deliver(engine, theirs, NEIGHBOUR);
		this.output.clear();
		this.scheduler.advance(999);
		assertThat(this.output.sent(MdnsEngineTest::isProbe)).isEmpty();
		this.scheduler.advance(1);
		assertThat(this.output.sent(MdnsEngineTest::isProbe)).singleElement()
			.satisfies((s) -> assertThat(s.at()).isEqualTo(lost + 1000));
		assertThat(this.metrics.get(MdnsMetrics.TIE_BREAKS_LOST)).isEqualTo(1);

		// A probe with earlier data loses to ours: we go on probing on time, and our own looped-back probe is no
		// conflict at all.
		MdnsMessage weaker = MdnsMessage.query(theirs.questions(), List.of(),
				List.of(MdnsRecord.srv(me, 1, OTHER_HOST, 120).withCacheFlush(false), txt));
		deliver(engine, weaker, NEIGHBOUR);
		deliver(engine, this.output.sent(MdnsEngineTest::isProbe).get(0).message(), NEIGHBOUR);
		this.scheduler.advance(3000);
		assertThat(this.metrics.get(MdnsMetrics.TIE_BREAKS_LOST)).isEqualTo(1);
		assertThat(this.events).containsExactly("NAME me");
	}

	@Test
	void recordSetComparisonFollowsSection821() {
		DnsName me = TYPE.prepend("me");
		List<MdnsRecord> a = List.of(MdnsRecord.srv(me, 80, OTHER_HOST, 120));
		List<MdnsRecord> b = List.of(MdnsRecord.srv(me, 81, OTHER_HOST, 120));
		assertThat(Advertiser.compareRecordSets(a, b)).isNegative();
		assertThat(Advertiser.compareRecordSets(b, a)).isPositive();
		assertThat(Advertiser.compareRecordSets(a, a)).isZero();
		List<MdnsRecord> more = List.of(a.get(0), MdnsRecord.srv(me, 90, OTHER_HOST, 120));
		assertThat(Advertiser.compareRecordSets(a, more)).as("a prefix loses").isNegative();
	}

	private MdnsEngine announced() {
		MdnsEngine engine = engine(MdnsConfig.defaults());
		engine.start();
		this.scheduler.advance(3000);
		this.output.clear();
		return engine;
	}

	@Test
	void answersABrowseQueryAfterASharedDelayWithAdditionalRecords() {
		MdnsEngine engine = announced();
		MdnsQuestion browse = new MdnsQuestion(TYPE, MdnsRecord.PTR, 1, false);
		deliver(engine, MdnsMessage.query(List.of(browse), List.of(), List.of()), NEIGHBOUR);
		assertThat(this.output.sent(MdnsMessage::isResponse)).isEmpty();
		this.scheduler.advance(120);
		RecordingOutput.Sent answer = this.output.sent(MdnsMessage::isResponse).get(0);
		assertThat(answer.destination()).isNull();
		assertThat(answer.message().answers()).singleElement()
			.satisfies((r) -> assertThat(r.type()).isEqualTo(MdnsRecord.PTR));
		assertThat(answer.message().additionals()).extracting(MdnsRecord::type)
			.containsExactlyInAnyOrder(MdnsRecord.SRV, MdnsRecord.TXT, MdnsRecord.A);

		// A unique record (SRV) is answered at once.
		this.output.clear();
		deliver(engine, MdnsMessage.query(List.of(new MdnsQuestion(TYPE.prepend("me"), MdnsRecord.SRV, 1, false)),
				List.of(), List.of()), NEIGHBOUR);
		assertThat(this.output.sent(MdnsMessage::isResponse)).singleElement()
			.satisfies((s) -> assertThat(s.message().additionals()).extracting(MdnsRecord::type).containsExactly(MdnsRecord.A));
	}

	@Test
	void aKnownAnswerWithAtLeastHalfItsTtlSuppressesOurAnswer() {
		MdnsEngine engine = announced();
		MdnsQuestion browse = new MdnsQuestion(TYPE, MdnsRecord.PTR, 1, false);
		MdnsRecord ours = MdnsRecord.ptr(TYPE, TYPE.prepend("me"), 4500);
		deliver(engine, MdnsMessage.query(List.of(browse), List.of(ours.withTtl(2250)), List.of()), NEIGHBOUR);
		this.scheduler.advance(1000);
		assertThat(this.output.sent(MdnsMessage::isResponse)).isEmpty();
		deliver(engine, MdnsMessage.query(List.of(browse), List.of(ours.withTtl(2249)), List.of()), NEIGHBOUR);
		this.scheduler.advance(1000);
		assertThat(this.output.sent(MdnsMessage::isResponse)).hasSize(1);

		// Duplicate answer suppression (section 7.4): someone else answers with our record first.
		this.output.clear();
		deliver(engine, MdnsMessage.query(List.of(browse), List.of(), List.of()), NEIGHBOUR);
		deliver(engine, MdnsMessage.response(List.of(ours), List.of()), NEIGHBOUR);
		this.scheduler.advance(1000);
		assertThat(this.output.sent(MdnsMessage::isResponse)).isEmpty();
	}

	@Test
	void legacyAndQuQueriesAreAnsweredByUnicast() {
		MdnsEngine engine = announced();
		InetSocketAddress legacy = new InetSocketAddress(RecordingOutput.address("10.9.0.2"), 40000);
		MdnsQuestion browse = new MdnsQuestion(TYPE, MdnsRecord.PTR, 1, false);
		deliver(engine, new MdnsMessage(0x1234, 0, List.of(browse), List.of(), List.of(), List.of()), legacy);
		RecordingOutput.Sent answer = this.output.sent(MdnsMessage::isResponse).get(0);
		assertThat(answer.destination()).isEqualTo(legacy);
		assertThat(answer.message().id()).isEqualTo(0x1234);
		assertThat(answer.message().questions()).containsExactly(browse);
		assertThat(answer.message().answers()).allMatch((r) -> r.ttl() <= 10 && !r.cacheFlush());

		this.output.clear();
		deliver(engine, MdnsMessage.query(List.of(new MdnsQuestion(TYPE, MdnsRecord.PTR, 1, true)), List.of(), List.of()),
				NEIGHBOUR);
		assertThat(this.output.sent(MdnsMessage::isResponse)).singleElement()
			.satisfies((s) -> assertThat(s.destination()).isEqualTo(NEIGHBOUR));
	}

	@Test
	void browseQueriesBackOffExponentiallyUpToTheCap() {
		MdnsEngine engine = engine(MdnsConfig.builder().maxQueryInterval(Duration.ofSeconds(8)).build());
		engine.start();
		this.scheduler.advance(40_000);
		List<Long> times = this.output.sent(MdnsEngineTest::isBrowse).stream().map(RecordingOutput.Sent::at).toList();
		assertThat(times.get(0) - 1_000_000).isBetween(20L, 120L);
		List<Long> intervals = new ArrayList<>();
		for (int i = 1; i < times.size(); i++) {
			intervals.add(times.get(i) - times.get(i - 1));
		}
		assertThat(intervals).startsWith(1000L, 2000L, 4000L, 8000L, 8000L);
		assertThat(engine.browser().queryInterval()).isEqualTo(8000);
	}

	@Test
	void findsAServiceAndLosesItOneSecondAfterItsGoodbye() {
		MdnsEngine engine = announced();
		deliver(engine, MdnsMessage.response(otherRecords(120, "rats").subList(0, 1), otherRecords(120, "rats").subList(1, 4)),
				NEIGHBOUR);
		assertThat(this.events).contains("FOUND " + OTHER + " [10.9.0.2] 7801");
		assertThat(engine.browser().services()).singleElement()
			.satisfies((s) -> assertThat(s.instanceName()).isEqualTo("other"));

		// Our next browse query lists the peer's PTR as a known answer.
		this.output.clear();
		this.scheduler.advance(10_000);
		assertThat(this.output.sent(MdnsEngineTest::isBrowse)).isNotEmpty()
			.allSatisfy((s) -> assertThat(s.message().answers()).anyMatch((r) -> r.ptrTarget().equals(OTHER_INSTANCE)));

		List<MdnsRecord> goodbye = otherRecords(0, "rats");
		deliver(engine, MdnsMessage.response(goodbye, List.of()), NEIGHBOUR);
		this.scheduler.advance(750);
		assertThat(this.events).noneMatch((e) -> e.startsWith("LOST"));
		this.scheduler.advance(500);
		assertThat(this.events).contains("LOST " + OTHER);
		assertThat(engine.browser().services()).isEmpty();
		assertThat(this.metrics.get(MdnsMetrics.SERVICES_LOST)).isEqualTo(1);
	}

	@Test
	void aServiceWhoseAddressComesFirstInThePacketIsFound() {
		MdnsEngine engine = announced();
		DnsName instance = TYPE.prepend("jm service.v1");
		DnsName host = DnsName.parse("jmdns-host.local.");
		deliver(engine, MdnsMessage.response(List.of(MdnsRecord.address(host, RecordingOutput.address("10.9.0.2"), 3600),
				MdnsRecord.ptr(TYPE, instance, 3600), MdnsRecord.srv(instance, 4242, host, 3600),
				MdnsRecord.txt(instance, List.of("id=" + OTHER, "txtvers=1", "v=1", "ns=rats"), 3600)), List.of()),
				NEIGHBOUR);
		assertThat(this.events).contains("FOUND " + OTHER + " [10.9.0.2] 4242");
	}

	@Test
	void servicesOfAnotherNamespaceAreIgnored() {
		MdnsEngine engine = announced();
		deliver(engine, MdnsMessage.response(otherRecords(120, "other-app"), List.of()), NEIGHBOUR);
		assertThat(this.events).noneMatch((e) -> e.startsWith("FOUND"));
		assertThat(this.metrics.get(MdnsMetrics.SERVICES_IGNORED)).isEqualTo(1);
	}

	@Test
	void aPointerAloneIsResolvedWithQueriesForItsSrvAndTxt() {
		MdnsEngine engine = announced();
		deliver(engine, MdnsMessage.response(otherRecords(120, "rats").subList(0, 1), List.of()), NEIGHBOUR);
		this.scheduler.advance(300);
		assertThat(this.output.sent((m) -> !m.isResponse() && m.questions().stream()
			.anyMatch((q) -> q.name().equals(OTHER_INSTANCE) && q.type() == MdnsRecord.SRV))).isNotEmpty();
	}

	@Test
	void cachedRecordsAreRefreshedAtEightyPercentOfTheirTtl() {
		MdnsEngine engine = announced();
		deliver(engine, MdnsMessage.response(otherRecords(10, "rats"), List.of()), NEIGHBOUR);
		this.output.clear();
		long received = this.scheduler.nowMillis();
		this.scheduler.advance(7_900);
		assertThat(this.output.sent((m) -> m.questions().stream().anyMatch((q) -> q.name().equals(OTHER_HOST)))).isEmpty();
		this.scheduler.advance(600);
		assertThat(this.output.sent((m) -> m.questions().stream().anyMatch((q) -> q.name().equals(OTHER_HOST))))
			.first()
			.satisfies((s) -> assertThat(s.at() - received).isBetween(8000L, 8250L));
		this.scheduler.advance(2_000);
		assertThat(this.events).contains("LOST " + OTHER);
	}

	@Test
	void theCacheIsBoundedAndManyKnownAnswersSpillIntoTruncatedPackets() {
		MdnsEngine engine = engine(MdnsConfig.builder().maxCachedRecords(64).build());
		engine.start();
		this.scheduler.advance(3000);
		for (int i = 0; i < 200; i++) {
			deliver(engine, MdnsMessage.response(List.of(MdnsRecord.ptr(TYPE, TYPE.prepend("peer-" + i + "-" + "x".repeat(40)),
					4500)), List.of()), NEIGHBOUR);
		}
		assertThat(engine.browser().cacheSize()).isEqualTo(64);
		assertThat(this.metrics.get(MdnsMetrics.CACHE_EVICTED)).isEqualTo(136);
		this.output.clear();
		this.scheduler.advance(5000);
		List<RecordingOutput.Sent> queries = this.output.sent((m) -> !m.isResponse() && !m.answers().isEmpty());
		assertThat(queries.get(0).message().isTruncated()).isTrue();
		assertThat(queries.get(1).message().questions()).isEmpty();
		assertThat(queries).allSatisfy((s) -> assertThat(MdnsCodec.encode(s.message()).length)
			.isLessThanOrEqualTo(Browser.MAX_QUERY_BYTES));
	}

	@Test
	void packetsFromOffTheLinkOrMalformedAreDroppedAndCounted() {
		MdnsEngine engine = announced();
		deliver(engine, MdnsMessage.response(otherRecords(120, "rats"), List.of()),
				new InetSocketAddress(RecordingOutput.address("192.0.2.1"), 5353));
		engine.receive(Unpooled.wrappedBuffer(new byte[] { 0, 0, (byte) 0x84, 0, 0, 0, 0, (byte) 0xFF, 0, 0, 0, 0 }),
				NEIGHBOUR);
		MdnsMessage fromWrongPort = MdnsMessage.response(otherRecords(120, "rats"), List.of());
		deliver(engine, fromWrongPort, new InetSocketAddress(RecordingOutput.address("10.9.0.2"), 40000));
		assertThat(this.metrics.get(MdnsMetrics.PACKETS_IGNORED)).isEqualTo(2);
		assertThat(this.metrics.get(MdnsMetrics.PACKETS_MALFORMED)).isEqualTo(1);
		assertThat(this.events).noneMatch((e) -> e.startsWith("FOUND"));
	}

}
