package io.librats.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DhtRoutingTableTest {

	private static final long MINUTE = 60_000;

	private final Random random = new Random(7);

	private final NodeId self = NodeId.fromHex("8000000000000000000000000000000000000000");

	private int nextIp = 1;

	private RoutingTable table(boolean oneNodePerIp) {
		return new RoutingTable(this.self, 3, oneNodePerIp, (contact) -> true, 0);
	}

	private Contact contact(NodeId id) {
		int ip = this.nextIp++;
		return new Contact(id, new InetSocketAddress("127.1." + (ip >> 8) + "." + (ip & 0xff), 6881));
	}

	/** An id sharing exactly {@code prefix} leading bits with {@link #self}. */
	private NodeId idWithPrefix(int prefix) {
		byte[] bytes = this.self.randomWithPrefix(prefix + 1, this.random).toBytes();
		bytes[prefix >> 3] ^= (byte) (0x80 >>> (prefix & 7));
		return NodeId.of(bytes);
	}

	@Test
	void onlyTheBucketHoldingOurIdSplits() {
		RoutingTable table = table(true);
		// fill the far half (first bit differs): one bucket of 8, never split
		for (int i = 0; i < 8; i++) {
			assertThat(table.responded(contact(idWithPrefix(0)), 0)).isEqualTo(RoutingTable.Outcome.ADDED);
		}
		assertThat(table.bucketCount()).isEqualTo(1);
		// the ninth far node splits the only bucket (it holds our id); the far half is now full
		assertThat(table.responded(contact(idWithPrefix(0)), 0)).isEqualTo(RoutingTable.Outcome.CACHED);
		assertThat(table.bucketCount()).isEqualTo(2);
		assertThat(table.buckets().get(0).entries).hasSize(8);
		assertThat(table.buckets().get(0).replacements).hasSize(1);
		// more far nodes never split bucket 0 again
		for (int i = 0; i < 5; i++) {
			assertThat(table.responded(contact(idWithPrefix(0)), 0)).isEqualTo(RoutingTable.Outcome.CACHED);
		}
		assertThat(table.bucketCount()).isEqualTo(2);
		assertThat(table.buckets().get(0).replacements).hasSize(3); // bounded replacement cache
		// near nodes keep splitting the last bucket
		for (int prefix = 1; prefix < 20; prefix++) {
			for (int i = 0; i < 8; i++) {
				table.responded(contact(idWithPrefix(prefix)), 0);
			}
		}
		assertThat(table.bucketCount()).isGreaterThanOrEqualTo(20);
		for (int i = 0; i < table.bucketCount() - 1; i++) {
			for (RoutingTable.Entry entry : table.buckets().get(i).entries) {
				assertThat(this.self.commonPrefixLength(entry.contact().id())).isEqualTo(i);
			}
			assertThat(table.buckets().get(i).entries.size()).isLessThanOrEqualTo(RoutingTable.K);
		}
	}

	@Test
	void ourselvesAndRefusedNodesAreNeverAdded() {
		RoutingTable table = new RoutingTable(this.self, 3, true,
				(contact) -> contact.id().byteAt(19) != 0x42, 0);
		assertThat(table.responded(contact(this.self), 0)).isEqualTo(RoutingTable.Outcome.REFUSED);
		byte[] refused = idWithPrefix(3).toBytes();
		refused[19] = 0x42;
		assertThat(table.responded(contact(NodeId.of(refused)), 0)).isEqualTo(RoutingTable.Outcome.REFUSED);
		assertThat(table.size()).isZero();
	}

	@Test
	void goodQuestionableAndBadPerBep5() {
		RoutingTable table = table(true);
		Contact node = contact(idWithPrefix(0));
		table.responded(node, 0);
		RoutingTable.Entry entry = table.find(node.id());
		assertThat(entry.state(14 * MINUTE)).isEqualTo(RoutingTable.State.GOOD);
		assertThat(entry.state(15 * MINUTE)).isEqualTo(RoutingTable.State.QUESTIONABLE);
		// a node that once answered and queries us stays good
		table.queried(node, 20 * MINUTE);
		assertThat(entry.state(30 * MINUTE)).isEqualTo(RoutingTable.State.GOOD);
		assertThat(entry.state(35 * MINUTE)).isEqualTo(RoutingTable.State.QUESTIONABLE);
		assertThat(table.questionable(35 * MINUTE)).containsExactly(node);
		// unanswered queries in a row make it bad; an answer makes it good again
		table.failed(node.id(), node.address(), 36 * MINUTE);
		assertThat(entry.state(36 * MINUTE)).isEqualTo(RoutingTable.State.QUESTIONABLE);
		table.failed(node.id(), node.address(), 36 * MINUTE);
		assertThat(entry.state(36 * MINUTE)).isEqualTo(RoutingTable.State.BAD);
		assertThat(table.closest(node.id(), 8, 36 * MINUTE)).isEmpty();
		table.responded(node, 37 * MINUTE);
		assertThat(entry.state(37 * MINUTE)).isEqualTo(RoutingTable.State.GOOD);
		// a failure reported for another address of the same id does not count
		table.failed(node.id(), new InetSocketAddress("127.9.9.9", 1), 37 * MINUTE);
		assertThat(entry.failures()).isZero();
	}

	@Test
	void badNodeIsReplacedByTheFreshestReplacement() {
		RoutingTable table = table(true);
		List<Contact> far = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			far.add(contact(idWithPrefix(0)));
			table.responded(far.get(i), 0);
		}
		Contact waiting1 = contact(idWithPrefix(0));
		Contact waiting2 = contact(idWithPrefix(0));
		assertThat(table.responded(waiting1, MINUTE)).isEqualTo(RoutingTable.Outcome.CACHED);
		assertThat(table.responded(waiting2, 2 * MINUTE)).isEqualTo(RoutingTable.Outcome.CACHED);
		Contact dying = far.get(3);
		table.failed(dying.id(), dying.address(), 3 * MINUTE);
		assertThat(table.find(dying.id())).isNotNull();
		table.failed(dying.id(), dying.address(), 3 * MINUTE);
		assertThat(table.find(dying.id())).isNull();
		assertThat(table.find(waiting2.id())).isNotNull();
		assertThat(table.buckets().get(0).replacements).extracting(RoutingTable.Entry::contact).containsExactly(waiting1);
	}

	@Test
	void newcomerTakesTheSlotOfABadNodeWhenNoReplacementWaits() {
		RoutingTable table = table(true);
		List<Contact> far = new ArrayList<>();
		for (int i = 0; i < 9; i++) { // the ninth splits, so bucket 0 is full and final
			far.add(contact(idWithPrefix(0)));
			table.responded(far.get(i), 0);
		}
		table.buckets().get(0).replacements.clear();
		Contact bad = far.get(0);
		table.failed(bad.id(), bad.address(), 0);
		table.failed(bad.id(), bad.address(), 0);
		Contact newcomer = contact(idWithPrefix(0));
		assertThat(table.responded(newcomer, 0)).isEqualTo(RoutingTable.Outcome.ADDED);
		assertThat(table.find(bad.id())).isNull();
	}

	@Test
	void fullBucketAsksToPingTheOldestQuestionableNode() {
		RoutingTable table = table(true);
		List<Contact> far = new ArrayList<>();
		for (int i = 0; i < 9; i++) {
			far.add(contact(idWithPrefix(0)));
			table.responded(far.get(i), i * MINUTE);
		}
		assertThat(table.questionableToPing(far.get(0).id(), 16 * MINUTE)).isEqualTo(far.get(0));
		assertThat(table.questionableToPing(far.get(0).id(), 5 * MINUTE)).isNull();
	}

	@Test
	void oneNodePerIpAndIdsDoNotMove() {
		RoutingTable table = table(true);
		Contact a = contact(idWithPrefix(0));
		table.responded(a, 0);
		Contact sameIp = new Contact(idWithPrefix(1), new InetSocketAddress(a.address().getAddress(), 9999));
		assertThat(table.responded(sameIp, 0)).isEqualTo(RoutingTable.Outcome.REFUSED);
		Contact moved = new Contact(a.id(), new InetSocketAddress("127.200.0.1", 6881));
		assertThat(table.responded(moved, 0)).isEqualTo(RoutingTable.Outcome.REFUSED);
		assertThat(table.find(a.id()).contact()).isEqualTo(a);

		RoutingTable shared = table(false);
		shared.responded(a, 0);
		assertThat(shared.responded(sameIp, 0)).isEqualTo(RoutingTable.Outcome.ADDED);
	}

	@Test
	void closestIsSortedByXorDistance() {
		RoutingTable table = table(false);
		for (int i = 0; i < 100; i++) {
			table.responded(contact(NodeId.random(this.random)), 0);
		}
		NodeId target = NodeId.random(this.random);
		List<Contact> closest = table.closest(target, 8, 0);
		assertThat(closest).hasSize(8);
		for (int i = 1; i < closest.size(); i++) {
			assertThat(NodeId.closerTo(target, closest.get(i - 1).id(), closest.get(i).id())).isNegative();
		}
		for (Contact other : table.contacts()) {
			if (!closest.contains(other)) {
				assertThat(NodeId.closerTo(target, closest.get(7).id(), other.id())).isNegative();
			}
		}
	}

	@Test
	void refreshTargetsFallInStaleBuckets() {
		RoutingTable table = table(false);
		for (int prefix = 0; prefix < 6; prefix++) {
			for (int i = 0; i < 8; i++) {
				table.responded(contact(idWithPrefix(prefix)), 0);
			}
		}
		assertThat(table.refreshTargets(10 * MINUTE, 15 * MINUTE, this.random)).isEmpty();
		List<NodeId> targets = table.refreshTargets(15 * MINUTE, 15 * MINUTE, this.random);
		assertThat(targets).hasSize(table.bucketCount());
		for (int i = 0; i < targets.size(); i++) {
			assertThat(table.bucketIndex(targets.get(i))).isEqualTo(i);
		}
		// refreshed buckets are fresh again
		assertThat(table.refreshTargets(16 * MINUTE, 15 * MINUTE, this.random)).isEmpty();
	}

	@Test
	void prefixArithmetic() {
		NodeId a = NodeId.fromHex("ff00000000000000000000000000000000000000");
		NodeId b = NodeId.fromHex("fe00000000000000000000000000000000000000");
		assertThat(a.commonPrefixLength(b)).isEqualTo(7);
		assertThat(a.commonPrefixLength(a)).isEqualTo(160);
		NodeId zero = NodeId.of(new byte[20]);
		assertThat(NodeId.closerTo(zero, b, a)).isNegative();
		assertThat(HexFormat.of().formatHex(a.randomWithPrefix(8, this.random).toBytes())).startsWith("ff");
	}

}
