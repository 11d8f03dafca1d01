package dev.baton.server.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (combined broker + KRaft controller) running inside this JVM.
 *
 * <p>Why: Baton is Kafka-native; for development, demos and tests it should run with no external
 * infrastructure while still talking to a genuine broker (transactions, consumer groups, compaction),
 * not a mock. The broker keeps its topics in {@link #dataDir()}, so stopping and starting again on
 * the same directory finds every topic and record again.
 *
 * <p>Contract:
 * <ul>
 *   <li>Listens on 127.0.0.1 only. The client listener uses the requested port (0 = pick a free one);
 *       the controller listener always uses an automatically chosen free port.</li>
 *   <li>Tuned for one node: every replication factor and min ISR is 1, so transactions and
 *       exactly-once Kafka Streams work. Auto topic creation stays on. (A node of a test cluster,
 *       {@link #startClusterNode}, is replicated instead.)</li>
 *   <li>The data directory belongs to the broker: it is Kafka's log directory, and Kafka refuses to
 *       start if it contains unrelated sub-directories. It is formatted only when it holds no
 *       {@code meta.properties} yet.</li>
 *   <li>A fatal broker fault does not kill the JVM: Kafka's exit/halt hooks are redirected (JVM-wide,
 *       once) so that the fault is logged and the running embedded broker(s) are stopped.</li>
 * </ul>
 *
 * <p>All use of Kafka's internal server API ({@code kafka.server}, {@code org.apache.kafka.metadata.storage})
 * is confined to this class, so a Kafka upgrade that changes those APIs only touches this file.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Attempts when the port was auto-picked and someone else grabbed it between pick and bind. */
    private static final int AUTO_PORT_ATTEMPTS = 3;

    /** Brokers currently running in this JVM; a Kafka exit/halt request stops all of them. */
    private static final Set<EmbeddedKafka> RUNNING = ConcurrentHashMap.newKeySet();

    private static final Object EXIT_HOOK_LOCK = new Object();
    private static boolean exitHooksInstalled;

    private final Path dataDir;
    private final int port;
    private final KafkaRaftServer server;
    private final Object closeLock = new Object();
    private boolean closed;

    private EmbeddedKafka(Path dataDir, int port, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.port = port;
        this.server = server;
    }

    /**
     * Starts a broker whose data lives in {@code dataDir} and returns once it answers client requests.
     *
     * <p>The directory is created if missing and formatted (new random cluster id) if it holds no
     * {@code meta.properties}; otherwise the existing cluster, topics and data are reused.
     *
     * @param dataDir directory owned by this broker (Kafka log directory and KRaft metadata log)
     * @param port    client port on 127.0.0.1, or 0 to pick a free port (see {@link #bootstrapServers()})
     * @return the running broker; close it to shut it down
     * @throws IllegalStateException if the port is already in use, or the broker fails to start or does
     *                               not become ready within 60 s
     * @throws UncheckedIOException  if the data directory cannot be created or formatted
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        return start(dataDir, port, Map.of(), Map.of());
    }

    /**
     * Starts a broker as {@link #start(Path, int)} does, with extra broker settings, for example a client listener
     * that requires SASL authentication. The client listener is named {@code PLAINTEXT}; to make it SASL/PLAIN:
     *
     * <pre>{@code
     * EmbeddedKafka.start(dir, 0,
     *     Map.of("listener.security.protocol.map", "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
     *            "sasl.enabled.mechanisms", "PLAIN",
     *            "sasl.mechanism.inter.broker.protocol", "PLAIN",
     *            "listener.name.plaintext.plain.sasl.jaas.config",
     *                "org.apache.kafka.common.security.plain.PlainLoginModule required "
     *                + "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_baton=\"baton-secret\";"),
     *     Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
     *            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"admin-secret\";"));
     * }</pre>
     *
     * @param extraBrokerConfig broker settings added to the defaults, replacing those with the same name
     * @param clientConfig      the client settings that reach the client listener (security protocol, credentials);
     *                          the readiness check uses them. Empty for a plain listener.
     */
    public static EmbeddedKafka start(
            Path dataDir, int port, Map<String, String> extraBrokerConfig, Map<String, Object> clientConfig) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (port != 0) {
            requireFreePort(port); // fail fast, before touching the data directory
        }
        installExitHooks();
        Path dir = dataDir.toAbsolutePath().normalize();
        formatIfNeeded(dir, NODE_ID, Uuid.randomUuid().toString());

        int attempts = port == 0 ? AUTO_PORT_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            int brokerPort = port == 0 ? freePort() : requireFreePort(port);
            int controllerPort = freePort(brokerPort);
            try {
                Properties config = brokerProperties(dir, brokerPort, controllerPort);
                config.putAll(extraBrokerConfig);
                return startOnce(dir, brokerPort, config, clientConfig);
            } catch (PortInUseException e) {
                if (attempt >= attempts) {
                    throw new IllegalStateException(
                            port == 0
                                    ? "Could not bind the embedded Kafka broker to a free port on " + HOST + " after "
                                            + attempts + " attempts"
                                    : "Port " + port + " (or controller port " + controllerPort + ") on " + HOST
                                            + " is already in use; cannot start the embedded Kafka broker",
                            e.getCause());
                }
                LOG.info("Auto-picked port was taken before the broker could bind it; retrying");
            }
        }
    }

    /**
     * Starts one node of a cluster of embedded brokers on this machine, each node in a JVM of its own (see
     * {@code baton kafka --node-id}), and returns once the node answers client requests. Every node is broker and
     * controller at once, in a static quorum of all the nodes. A node cannot finish starting before a majority of the
     * quorum is up: start the nodes together.
     *
     * <p>Why: Baton's users run replicated clusters, and the tests that kill brokers under load need one. It is a
     * test cluster, not a production deployment: like the single node, it listens on 127.0.0.1 only.
     *
     * <p>Replicated as a production cluster is: replication factor 3 (or the number of nodes, if fewer), for new
     * topics and for Kafka's offsets and transaction state topics, and {@code min.insync.replicas} one less, so that
     * a write acknowledged by all in-sync replicas survives the loss of any one node, and writes stall rather than
     * go on with a single copy. The data directory is formatted as for {@link #start(Path, int)}, with the node's id
     * and the cluster's id; restarted on the same directory and ports, the node goes on where it left off.
     *
     * @param dataDir directory owned by this node
     * @param port    client port on 127.0.0.1 (1..65535: the other nodes and the clients must know it)
     * @param node    the node's id, the cluster's id and the quorum; the controller listens on this node's entry
     * @throws IllegalStateException if a port is in use, or the node fails to start
     */
    public static EmbeddedKafka startClusterNode(Path dataDir, int port, ClusterNode node) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a cluster node needs a fixed port 1..65535, was " + port);
        }
        int controllerPort = node.controllerPort();
        requireFreePort(port);
        requireFreePort(controllerPort);
        installExitHooks();
        Path dir = dataDir.toAbsolutePath().normalize();
        formatIfNeeded(dir, node.nodeId(), node.clusterId());
        Properties config = brokerProperties(dir, port, controllerPort);
        config.putAll(node.brokerProperties());
        try {
            return startOnce(dir, port, config, Map.of());
        } catch (PortInUseException e) {
            throw new IllegalStateException(
                    "Port " + port + " or controller port " + controllerPort + " on " + HOST + " is already in use",
                    e.getCause());
        }
    }

    /**
     * Who a node of an embedded cluster is (see {@link #startClusterNode}).
     *
     * @param nodeId       this node's id: one of the voters
     * @param clusterId    the cluster's id, the same on every node: a base64 UUID such as
     *                     {@code Uuid.randomUuid().toString()} makes
     * @param quorumVoters the static controller quorum in Kafka's {@code controller.quorum.voters} format, e.g.
     *                     {@code 1@127.0.0.1:19091,2@127.0.0.1:19092,3@127.0.0.1:19093}, every host 127.0.0.1
     */
    public record ClusterNode(int nodeId, String clusterId, String quorumVoters) {
        private static final Pattern VOTER = Pattern.compile("(\\d{1,9})@" + Pattern.quote(HOST) + ":(\\d{1,5})");

        /** Checks that the id is a voter, the cluster id a UUID, and every voter on 127.0.0.1 with a port. */
        public ClusterNode {
            try {
                Uuid.fromString(clusterId);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "cluster id must be a base64 UUID (22 characters), was '" + clusterId + "'");
            }
            Map<Integer, Integer> voters = voters(quorumVoters);
            if (!voters.containsKey(nodeId)) {
                throw new IllegalArgumentException(
                        "node " + nodeId + " is not one of the quorum's voters " + quorumVoters);
            }
        }

        int controllerPort() {
            return voters(quorumVoters).get(nodeId);
        }

        Map<String, String> brokerProperties() {
            int nodes = voters(quorumVoters).size();
            String replicas = String.valueOf(Math.min(3, nodes));
            String minInSync = String.valueOf(Math.max(1, Math.min(3, nodes) - 1));
            // why: two partitions per node spread the group and transaction coordinators over the cluster, so that
            // losing a node also moves coordinators, as it does in production (50 by default is much load for tests).
            String coordinatorPartitions = String.valueOf(2 * nodes);
            var p = new HashMap<String, String>();
            p.put("node.id", String.valueOf(nodeId));
            p.put("controller.quorum.voters", quorumVoters);
            p.put("default.replication.factor", replicas);
            p.put("min.insync.replicas", minInSync);
            p.put("offsets.topic.replication.factor", replicas);
            p.put("offsets.topic.num.partitions", coordinatorPartitions);
            p.put("transaction.state.log.replication.factor", replicas);
            p.put("transaction.state.log.min.isr", minInSync);
            p.put("transaction.state.log.num.partitions", coordinatorPartitions);
            p.put("share.coordinator.state.topic.replication.factor", replicas);
            p.put("share.coordinator.state.topic.min.isr", minInSync);
            p.put("unclean.leader.election.enable", "false");
            return p;
        }

        private static Map<Integer, Integer> voters(String quorumVoters) {
            var voters = new LinkedHashMap<Integer, Integer>();
            for (String voter : quorumVoters.split(",")) {
                var m = VOTER.matcher(voter.trim());
                if (!m.matches()) {
                    throw new IllegalArgumentException("quorum voter '" + voter.trim() + "' is not ID@" + HOST
                            + ":PORT (in " + quorumVoters + ")");
                }
                int port = Integer.parseInt(m.group(2));
                if (port < 1 || port > 65535 || voters.put(Integer.parseInt(m.group(1)), port) != null) {
                    throw new IllegalArgumentException("quorum voter '" + voter.trim() + "': bad port or repeated id");
                }
            }
            return voters;
        }
    }

    /**
     * Address for Kafka clients ({@code bootstrap.servers}), always {@code "127.0.0.1:PORT"} with the
     * port actually bound, also when {@code 0} was requested.
     */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The directory holding this broker's metadata and topic data (as an absolute path). */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Shuts the broker down cleanly and waits until it has stopped, so that the data directory can be
     * reused right away. Idempotent; safe to call from any thread.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            RUNNING.remove(this);
            long t0 = System.nanoTime();
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("Error while shutting down embedded Kafka broker at {}", bootstrapServers(), e);
            }
            LOG.info("Embedded Kafka broker at {} stopped in {} ms", bootstrapServers(), millisSince(t0));
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", " + dataDir + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private static EmbeddedKafka startOnce(
            Path dir, int brokerPort, Properties config, Map<String, Object> clientConfig) {
        long t0 = System.nanoTime();
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config), Time.SYSTEM);
        EmbeddedKafka kafka = new EmbeddedKafka(dir, brokerPort, server);
        RUNNING.add(kafka);
        try {
            server.startup();
        } catch (RuntimeException e) {
            kafka.close();
            if (causedByBind(e)) {
                throw new PortInUseException(e);
            }
            throw new IllegalStateException("Embedded Kafka broker failed to start in " + dir + ": " + e, e);
        }
        try {
            awaitReady(kafka.bootstrapServers(), clientConfig);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LOG.info(
                "Embedded Kafka broker ready at {} (data {}) in {} ms", kafka.bootstrapServers(), dir, millisSince(t0));
        return kafka;
    }

    private static Properties brokerProperties(Path dir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        // Static quorum: the voter address comes from config on every start, so the controller port may
        // differ between restarts of the same directory (a dynamic quorum would persist it).
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put(
                "listeners",
                BROKER_LISTENER + "://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":"
                        + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", dir.toString());
        p.put("metadata.log.dir", dir.toString());

        // One node: everything replicated once, internal topics with a single partition.
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        // The cleaner's dedupe buffer defaults to 128 MiB; 4 MiB is plenty for a local node and cuts the
        // heap the broker needs from about 192 MiB to about 48 MiB.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        // A transaction that starts right after the previous one committed finds the coordinator still writing the
        // previous commit's markers (CONCURRENT_TRANSACTIONS) and waits this backoff before its first record is
        // accepted. The default of 20 ms made the first flush of every orchestrator transaction cost ~20 ms; 1 ms
        // cuts it to ~8 ms (`./baton bench transactions`). Production clusters: see docs/operations.md.
        p.put("add.partitions.to.txn.retry.backoff.ms", "1");
        return p;
    }

    private static void formatIfNeeded(Path dir, int nodeId, String clusterId) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create Kafka data directory " + dir, e);
        }
        if (Files.exists(dir.resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(dir.toString())
                    .setDirectories(List.of(dir.toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException("Cannot format Kafka data directory " + dir + ": " + e, e));
        }
        LOG.info("Formatted Kafka data directory {} (cluster id {})", dir, clusterId);
    }

    private static void awaitReady(String bootstrap, Map<String, Object> clientConfig) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "baton-embedded-kafka-ready-check");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                try {
                    int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000))
                            .nodes()
                            .get(10, TimeUnit.SECONDS)
                            .size();
                    if (nodes > 0) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for embedded Kafka at " + bootstrap, e);
                }
                sleep(100);
            }
        }
        throw new IllegalStateException(
                "Embedded Kafka broker at " + bootstrap + " did not become ready within " + READY_TIMEOUT.toSeconds()
                        + " s",
                last);
    }

    /**
     * Kafka calls {@code Exit.halt}/{@code Exit.exit} on fatal faults, which would terminate the whole
     * host JVM. Redirect both (JVM-wide, once): log, then stop the embedded broker(s) on another thread
     * (the caller is usually a broker thread that shutdown would wait for).
     */
    private static void installExitHooks() {
        synchronized (EXIT_HOOK_LOCK) {
            if (exitHooksInstalled) {
                return;
            }
            Exit.setHaltProcedure((status, message) -> onFatal("halt", status, message));
            Exit.setExitProcedure((status, message) -> onFatal("exit", status, message));
            exitHooksInstalled = true;
        }
    }

    private static void onFatal(String kind, int status, String message) {
        LOG.error(
                "Kafka requested JVM {}({}){}; stopping the embedded Kafka broker(s) instead: {}",
                kind,
                status,
                message == null ? "" : " with message '" + message + "'",
                RUNNING,
                new IllegalStateException("Kafka " + kind + " requested here"));
        for (EmbeddedKafka kafka : RUNNING) {
            Thread stopper = new Thread(kafka::close, "embedded-kafka-fault-stop-" + kafka.port);
            stopper.setDaemon(true);
            stopper.start();
        }
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
            String msg = t.getMessage();
            if (msg != null && msg.contains("failed to bind")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static int requireFreePort(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Port " + port + " on " + HOST + " is already in use; cannot start the embedded Kafka broker", e);
        }
    }

    private static int freePort(int... avoid) {
        for (int i = 0; i < 10; i++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                int p = s.getLocalPort();
                boolean clash = false;
                for (int a : avoid) {
                    clash |= a == p;
                }
                if (!clash) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot find a free port on " + HOST, e);
            }
        }
        throw new IllegalStateException("Cannot find a free port on " + HOST);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for embedded Kafka", e);
        }
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    /** The broker could not bind one of its listeners. */
    private static final class PortInUseException extends RuntimeException {
        PortInUseException(Throwable cause) {
            super(cause);
        }
    }
}
