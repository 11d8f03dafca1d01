package dev.baton.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** Who a node of an embedded cluster is, and how it replicates (the cluster itself runs in ClusterFaultsIT). */
class ClusterNodeTest {
    private static final String ID = Uuid.randomUuid().toString();
    private static final String THREE = "1@127.0.0.1:19091,2@127.0.0.1:19092,3@127.0.0.1:19093";

    @Test
    void shouldReplicateThreeTimesWithTwoInSyncOnAThreeNodeCluster() {
        var node = new EmbeddedKafka.ClusterNode(2, ID, THREE);

        assertThat(node.controllerPort()).isEqualTo(19092);
        assertThat(node.brokerProperties())
                .containsEntry("node.id", "2")
                .containsEntry("controller.quorum.voters", THREE)
                .containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("offsets.topic.num.partitions", "6")
                .containsEntry("unclean.leader.election.enable", "false");
    }

    @Test
    void shouldNeverAskForMoreInSyncReplicasThanAOneNodeClusterHas() {
        var node = new EmbeddedKafka.ClusterNode(1, ID, "1@127.0.0.1:19091");

        assertThat(node.brokerProperties())
                .containsEntry("default.replication.factor", "1")
                .containsEntry("min.insync.replicas", "1");
    }

    @Test
    void shouldRejectANodeThatIsNotAVoter() {
        assertThatThrownBy(() -> new EmbeddedKafka.ClusterNode(4, ID, THREE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node 4 is not one of the quorum's voters");
    }

    @Test
    void shouldRejectAClusterIdThatIsNotAUuid() {
        assertThatThrownBy(() -> new EmbeddedKafka.ClusterNode(1, "my-cluster", THREE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cluster id must be a base64 UUID");
    }

    @Test
    void shouldRejectVotersElsewhereThanLoopbackOrRepeated() {
        assertThatThrownBy(() -> new EmbeddedKafka.ClusterNode(1, ID, "1@10.0.0.1:19091,2@127.0.0.1:19092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not ID@127.0.0.1:PORT");
        assertThatThrownBy(() -> new EmbeddedKafka.ClusterNode(1, ID, "1@127.0.0.1:19091,1@127.0.0.1:19092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("repeated id");
        assertThatThrownBy(() -> new EmbeddedKafka.ClusterNode(1, ID, "1@127.0.0.1:99999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad port");
    }
}
