package dev.portcullis.operator;

import dev.portcullis.cli.Commands;
import dev.portcullis.cloud.RequestLimits;
import dev.portcullis.cloud.aws.AwsCloud;
import dev.portcullis.cloud.aws.FlowLogCheckpoints;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.World;
import dev.portcullis.cloud.simulator.WorldFileException;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.cloud.simulator.endpoint.Ec2Endpoint;
import dev.portcullis.cloud.simulator.endpoint.Ec2QueryService;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.eval.flowlog.FlowLogFormat;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis operator}: runs the reconcilers against the cluster of the kubeconfig. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the operator: reconciles SecurityGroups, SecurityGroupAttachments and",
      "ReachabilityChecks of the current kubeconfig's cluster (or the pod's service account)",
      "against the cloud. Every option can also be set by environment variable (shown)."
    })
public final class OperatorCommand implements Callable<Integer> {
  static final int INVALID = 2;

  /** A namespace's name: a DNS label. */
  private static final Pattern NAMESPACE =
      Pattern.compile("(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** A Lease's name: a DNS subdomain. */
  private static final Pattern LEASE_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  @Spec CommandSpec spec;

  @Option(
      names = "--cloud",
      defaultValue = "${env:PORTCULLIS_CLOUD:-simulator}",
      description = "simulator (the built-in EC2, the default) or aws [PORTCULLIS_CLOUD].")
  String cloud;

  @Option(
      names = {"-w", "--world"},
      split = ",",
      defaultValue = "${env:PORTCULLIS_WORLD}",
      description =
          "With --cloud simulator: the world file (regions, VPCs, instances). Repeat it, or"
              + " separate files with commas, to join several worlds into one EC2; their ids must"
              + " not repeat [PORTCULLIS_WORLD].")
  List<Path> worlds = new ArrayList<>();

  @Option(
      names = "--serve-ec2",
      defaultValue = "${env:PORTCULLIS_SERVE_EC2}",
      description =
          "With --cloud simulator: also serve the simulator as an EC2 endpoint on this host:port"
              + " (a loopback address, such as 127.0.0.1:8773), so that the AWS CLI or any EC2"
              + " client can change the operator's EC2 while it runs [PORTCULLIS_SERVE_EC2].")
  String serveEc2;

  @Option(
      names = "--serve-ec2-allow-non-loopback",
      description =
          "Allow --serve-ec2 on an address other than a loopback one. Whoever reaches it can"
              + " change the simulator's state.")
  boolean serveEc2AllowNonLoopback;

  @Option(
      names = "--namespaces",
      split = ",",
      defaultValue = "${env:PORTCULLIS_NAMESPACES}",
      description = "Namespaces to watch, comma-separated; all when unset [PORTCULLIS_NAMESPACES].")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = "--shard",
      defaultValue = "${env:PORTCULLIS_SHARD}",
      description =
          "Serve only the resources labelled portcullis.dev/shard with this value, so that"
              + " several operators split an estate; every resource when unset. A resource may"
              + " only name SecurityGroups of its own shard [PORTCULLIS_SHARD].")
  String shard;

  @Option(
      names = "--resync",
      defaultValue = "${env:PORTCULLIS_RESYNC:-PT5M}",
      description =
          "How often every resource is compared with EC2 again, as changes there make no"
              + " Kubernetes events (ISO-8601, default PT5M) [PORTCULLIS_RESYNC].")
  Duration resync;

  @Option(
      names = "--flow-logs-interval",
      defaultValue = "${env:PORTCULLIS_FLOW_LOGS_INTERVAL:-PT30S}",
      description =
          "How often flow log records are read, attributed and counted (ISO-8601, default PT30S);"
              + " with --cloud simulator they are those of the world's traffic"
              + " [PORTCULLIS_FLOW_LOGS_INTERVAL].")
  Duration flowLogsInterval;

  @Option(
      names = "--flow-log-group",
      defaultValue = "${env:PORTCULLIS_FLOW_LOG_GROUP}",
      description =
          "With --cloud aws: the CloudWatch Logs group that VPC Flow Logs deliver to; its records"
              + " are attributed and counted (docs/metrics.md, Denials) [PORTCULLIS_FLOW_LOG_GROUP].")
  String flowLogGroup;

  @Option(
      names = "--flow-log-region",
      defaultValue = "${env:PORTCULLIS_FLOW_LOG_REGION}",
      description = "With --flow-log-group: the group's region [PORTCULLIS_FLOW_LOG_REGION].")
  String flowLogRegion;

  @Option(
      names = "--flow-log-format",
      defaultValue =
          "${env:PORTCULLIS_FLOW_LOG_FORMAT:-version account-id interface-id srcaddr dstaddr"
              + " srcport dstport protocol packets bytes start end action log-status}",
      description =
          "With --flow-log-group: the flow log's format, as its LogFormat or as the field names"
              + " of its header line; EC2's default version 2 unless given"
              + " [PORTCULLIS_FLOW_LOG_FORMAT].")
  String flowLogFormat;

  @Option(
      names = "--flow-log-endpoint",
      defaultValue = "${env:PORTCULLIS_FLOW_LOG_ENDPOINT}",
      description =
          "With --flow-log-group: read the group from this CloudWatch Logs URL instead of the"
              + " region's endpoint, for a VPC endpoint or a CloudWatch Logs-compatible emulator"
              + " [PORTCULLIS_FLOW_LOG_ENDPOINT].")
  String flowLogEndpoint;

  @Option(
      names = "--flow-log-checkpoint",
      defaultValue = "${env:PORTCULLIS_FLOW_LOG_CHECKPOINT}",
      description =
          "With --flow-log-group: the ConfigMap, in the Lease's namespace (the pod's own), where"
              + " the reader's checkpoint is kept across restarts (default: the Lease's name"
              + " followed by -flow-logs) [PORTCULLIS_FLOW_LOG_CHECKPOINT].")
  String flowLogCheckpoint;

  @Option(
      names = "--drift-scan-interval",
      defaultValue = "${env:PORTCULLIS_DRIFT_SCAN_INTERVAL:-PT30S}",
      description =
          "How often each region's managed groups are read (one paginated describe) and compared"
              + " with their specs, so that drift is found between resyncs; only the groups that"
              + " differ are reconciled (ISO-8601, default PT30S; PT0S turns it off)"
              + " [PORTCULLIS_DRIFT_SCAN_INTERVAL].")
  Duration driftScanInterval;

  @Option(
      names = "--throttling",
      defaultValue = "${env:PORTCULLIS_THROTTLING:-on}",
      description =
          "With --cloud simulator: EC2's request throttling, on or off [PORTCULLIS_THROTTLING].")
  String throttling;

  @Option(
      names = "--threads",
      defaultValue = "${env:PORTCULLIS_THREADS:-10}",
      description = "Reconciliations run at once [PORTCULLIS_THREADS].")
  int threads;

  @Option(
      names = "--metrics-port",
      defaultValue = "${env:PORTCULLIS_METRICS_PORT:-8080}",
      description =
          "Port of /metrics (Prometheus) and /healthz; 0 turns them off [PORTCULLIS_METRICS_PORT].")
  int metricsPort;

  @Option(
      names = "--metrics-address",
      defaultValue = "${env:PORTCULLIS_METRICS_ADDRESS:-0.0.0.0}",
      description =
          "Address the metrics port listens on (0.0.0.0 in a pod, so Prometheus can scrape it)"
              + " [PORTCULLIS_METRICS_ADDRESS].")
  String metricsAddress;

  @Option(
      names = "--metrics-per-resource",
      defaultValue = "${env:PORTCULLIS_METRICS_PER_RESOURCE:-true}",
      arity = "1",
      description =
          "Series labelled with a resource's namespace and name (drift per SecurityGroup): true,"
              + " or false for estates of tens of thousands of groups; the counts stay"
              + " [PORTCULLIS_METRICS_PER_RESOURCE].")
  boolean metricsPerResource;

  @Option(
      names = "--rate-limit",
      defaultValue = "${env:PORTCULLIS_RATE_LIMIT:-on}",
      description =
          "Pace EC2 calls per action and region by EC2's request token buckets (all of each"
              + " refill rate, all but a reserve of each bucket), waiting for a turn instead of"
              + " being throttled, and back off when EC2 throttles all the same: on (the"
              + " default), off, or a positive factor that scales the default limits: under 1"
              + " for a share when other clients use the account's buckets, over 1 for an"
              + " account whose limits were raised [PORTCULLIS_RATE_LIMIT].")
  String rateLimit;

  @Option(
      names = "--rate-limit-share",
      defaultValue = "${env:PORTCULLIS_RATE_LIMIT_SHARE:-1}",
      description =
          "This operator's share of each region's EC2 request budget, above 0 and at most 1"
              + " (default 1): with several shards on one account, give each its fraction so that"
              + " together they stay within EC2's buckets; it multiplies the limits of"
              + " --rate-limit [PORTCULLIS_RATE_LIMIT_SHARE].")
  double rateLimitShare;

  @Option(
      names = "--aws-endpoint",
      defaultValue = "${env:PORTCULLIS_AWS_ENDPOINT}",
      description =
          "With --cloud aws: send every region's EC2 requests to this URL instead of EC2's"
              + " regional endpoints, for a VPC endpoint or an EC2-compatible emulator"
              + " [PORTCULLIS_AWS_ENDPOINT].")
  String awsEndpoint;

  @Option(
      names = "--aws-max-attempts",
      defaultValue = "${env:PORTCULLIS_AWS_MAX_ATTEMPTS:-3}",
      description =
          "With --cloud aws: attempts per EC2 request in the AWS SDK's standard retry mode, the"
              + " first included (1 to 10; 1 turns the SDK's retries off). Throttling, 5xx answers"
              + " and lost connections are retried with exponential backoff and jitter"
              + " [PORTCULLIS_AWS_MAX_ATTEMPTS].")
  int awsMaxAttempts;

  @Option(
      names = "--quota-rules-per-group",
      defaultValue = "${env:PORTCULLIS_QUOTA_RULES_PER_GROUP:-60}",
      description =
          "With --cloud aws: the account's quota of rules per group and direction (EC2's default"
              + " 60) [PORTCULLIS_QUOTA_RULES_PER_GROUP].")
  int quotaRulesPerGroup;

  @Option(
      names = "--quota-groups-per-interface",
      defaultValue = "${env:PORTCULLIS_QUOTA_GROUPS_PER_INTERFACE:-5}",
      description =
          "With --cloud aws: the account's quota of groups per network interface (EC2's default"
              + " 5, at most 16) [PORTCULLIS_QUOTA_GROUPS_PER_INTERFACE].")
  int quotaGroupsPerInterface;

  @Option(
      names = "--leader-election",
      defaultValue = "${env:PORTCULLIS_LEADER_ELECTION:-false}",
      arity = "0..1",
      description =
          "Compete for a Lease so that, of several replicas, only one reconciles and the others"
              + " stand by with synced informers, ready to take over; off by default, for one"
              + " replica [PORTCULLIS_LEADER_ELECTION].")
  boolean leaderElection;

  @Option(
      names = "--leader-election-lease",
      defaultValue = "${env:PORTCULLIS_LEADER_ELECTION_LEASE:-portcullis}",
      description =
          "With --leader-election: the Lease's name (default portcullis)"
              + " [PORTCULLIS_LEADER_ELECTION_LEASE].")
  String leaseName;

  @Option(
      names = "--leader-election-namespace",
      defaultValue = "${env:PORTCULLIS_LEADER_ELECTION_NAMESPACE}",
      description =
          "With --leader-election: the Lease's namespace (default: the pod's own, or the"
              + " kubeconfig context's) [PORTCULLIS_LEADER_ELECTION_NAMESPACE].")
  String leaseNamespace;

  @Override
  public Integer call() throws InterruptedException, IOException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (!cloud.equals("simulator") && !cloud.equals("aws")) {
      err.println("--cloud: \"" + cloud + "\" is neither simulator nor aws");
      return INVALID;
    }
    RequestLimits limits;
    try {
      limits = requestLimits(rateLimit);
    } catch (IllegalArgumentException e) {
      err.println("--rate-limit: \"" + rateLimit + "\" is neither on, off nor a positive factor");
      return INVALID;
    }
    if (!(rateLimitShare > 0 && rateLimitShare <= 1)) {
      err.println("--rate-limit-share: " + rateLimitShare + " is not above 0 and at most 1");
      return INVALID;
    }
    if (limits == null && rateLimitShare < 1) {
      err.println("--rate-limit-share: needs --rate-limit on or a factor, not off");
      return INVALID;
    }
    limits = shared(limits, rateLimitShare);
    Shard served;
    try {
      served = Shard.of(shard);
    } catch (IllegalArgumentException e) {
      err.println("--shard: " + e.getMessage());
      return INVALID;
    }
    if (threads < 1) {
      err.println("--threads: must be at least 1");
      return INVALID;
    }
    if (resync.isNegative() || resync.isZero()) {
      err.println("--resync: must be positive");
      return INVALID;
    }
    if (flowLogsInterval.isNegative() || flowLogsInterval.isZero()) {
      err.println("--flow-logs-interval: must be positive");
      return INVALID;
    }
    if (blank(flowLogEndpoint) != null && blank(flowLogGroup) == null) {
      err.println("--flow-log-endpoint: only with --flow-log-group");
      return INVALID;
    }
    if (flowLogGroup != null && !flowLogGroup.isBlank()) {
      if (!cloud.equals("aws") || flowLogRegion == null || flowLogRegion.isBlank()) {
        err.println("--flow-log-group: only with --cloud aws, and with --flow-log-region");
        return INVALID;
      }
      try {
        FlowLogFormat.of(flowLogFormat);
      } catch (IllegalArgumentException e) {
        err.println("--flow-log-format: " + e.getMessage());
        return INVALID;
      }
      if (blank(flowLogEndpoint) != null && url(flowLogEndpoint) == null) {
        err.println("--flow-log-endpoint: \"" + flowLogEndpoint + "\" is not an http or https URL");
        return INVALID;
      }
      if (flowLogCheckpoint != null && !LEASE_NAME.matcher(flowLogCheckpoint).matches()) {
        err.println(
            "--flow-log-checkpoint: \"" + flowLogCheckpoint + "\" is not a valid ConfigMap name");
        return INVALID;
      }
    }
    if (driftScanInterval.isNegative()) {
      err.println("--drift-scan-interval: must not be negative");
      return INVALID;
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      err.println("--metrics-port: " + metricsPort + " is not a port (0 to 65535)");
      return INVALID;
    }
    if (leaderElection && !LEASE_NAME.matcher(leaseName).matches()) {
      err.println("--leader-election-lease: \"" + leaseName + "\" is not a valid Lease name");
      return INVALID;
    }
    if (leaderElection && leaseNamespace != null && !NAMESPACE.matcher(leaseNamespace).matches()) {
      err.println(
          "--leader-election-namespace: \"" + leaseNamespace + "\" is not a valid namespace");
      return INVALID;
    }
    CloudBackend backend;
    String described;
    Ec2Simulator simulator = null;
    AutoCloseable cloudClients = () -> {};
    AwsCloud awsCloud = null;
    if (serveEc2 != null && !serveEc2.isBlank() && !cloud.equals("simulator")) {
      err.println("--serve-ec2: only with --cloud simulator");
      return INVALID;
    }
    if (cloud.equals("aws")) {
      if (awsMaxAttempts < 1 || awsMaxAttempts > 10) {
        err.println("--aws-max-attempts: must be from 1 to 10, not " + awsMaxAttempts);
        return INVALID;
      }
      if (quotaRulesPerGroup < 1) {
        err.println("--quota-rules-per-group: must be at least 1");
        return INVALID;
      }
      if (quotaGroupsPerInterface < 1
          || quotaGroupsPerInterface > Quotas.MAX_GROUPS_PER_INTERFACE) {
        err.println(
            "--quota-groups-per-interface: must be from 1 to " + Quotas.MAX_GROUPS_PER_INTERFACE);
        return INVALID;
      }
      URI endpoint = url(awsEndpoint);
      if (blank(awsEndpoint) != null && endpoint == null) {
        err.println("--aws-endpoint: \"" + awsEndpoint + "\" is not an http or https URL");
        return INVALID;
      }
      AwsCloud aws = new AwsCloud(endpoint, null, awsMaxAttempts);
      cloudClients = aws;
      awsCloud = aws;
      backend = CloudBackend.aws(aws, new Quotas(quotaRulesPerGroup, quotaGroupsPerInterface));
      described = "AWS EC2" + (endpoint == null ? "" : " at " + endpoint);
    } else {
      if (worlds == null || worlds.isEmpty()) {
        err.println("--world: required with --cloud simulator");
        return INVALID;
      }
      if (!throttling.equals("on") && !throttling.equals("off")) {
        err.println("--throttling: \"" + throttling + "\" is neither on nor off");
        return INVALID;
      }
      World w;
      try {
        w = WorldLoader.load(worlds, Quotas.DEFAULT);
      } catch (WorldFileException | UncheckedIOException e) {
        err.println(e.getMessage());
        return INVALID;
      }
      Ec2Simulator sim =
          Ec2Simulator.builder()
              .world(w)
              .throttling(throttling.equals("on") ? ThrottlingMode.EC2 : ThrottlingMode.OFF)
              .build();
      backend = CloudBackend.simulator(sim);
      simulator = sim;
      described =
          "cloud simulator ("
              + worlds.stream().map(Path::toString).collect(Collectors.joining(", "))
              + ")";
      if (serveEc2 != null && !serveEc2.isBlank()) {
        Ec2Endpoint endpoint;
        try {
          endpoint =
              Ec2Endpoint.start(
                  sim,
                  Ec2Endpoint.parseAddress(serveEc2),
                  Ec2QueryService.Settings.open().withRegions(w.regions().keySet()),
                  serveEc2AllowNonLoopback);
        } catch (IllegalArgumentException e) {
          err.println("--serve-ec2: " + e.getMessage());
          return INVALID;
        }
        cloudClients = endpoint;
        described += ", served as an EC2 endpoint at " + endpoint.uri();
        String region = w.regions().keySet().stream().findFirst().orElse("eu-west-1");
        out.println(
            "portcullis operator: the simulator's EC2 endpoint is "
                + endpoint.uri()
                + "; try: "
                + Ec2Endpoint.exampleCommand(endpoint.uri(), region));
      }
    }
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicReference<PortcullisOperator> started = new AtomicReference<>();
    MetricsServer metrics =
        metricsPort == 0
            ? null
            : MetricsServer.start(
                metricsAddress,
                metricsPort,
                running::get,
                () -> started.get() != null && started.get().ready());
    KubernetesClient client = new KubernetesClientBuilder().build();
    PortcullisOperator.Settings settings =
        PortcullisOperator.Settings.defaults()
            .withResync(resync)
            .withDriftScanInterval(driftScanInterval)
            .withNamespaces(new HashSet<>(namespaces == null ? List.of() : namespaces))
            .withThreads(threads)
            .withRequestLimits(limits);
    if (metrics != null) {
      settings = settings.withMeters(metrics.registry(), metricsPerResource);
    }
    if (leaderElection) {
      settings =
          settings.withLeaderElection(new LeaderElectionConfiguration(leaseName, leaseNamespace));
    }
    if (awsCloud != null) {
      // While the informers list, on a thread of its own: the first reconciliation then no
      // longer pays for the SDK's first request (docs/benchmarks.md, "The AWS SDK warmed up").
      AwsCloud cloud = awsCloud;
      Thread warm = new Thread(() -> warmUp(cloud), "portcullis-sdk-warm-up");
      warm.setDaemon(true);
      warm.start();
    }
    PortcullisOperator operator = PortcullisOperator.start(client, backend, settings, served);
    if (awsCloud != null) {
      // No request: a replica standing by is then as ready to call EC2 as the leader.
      operator.regions().forEach(awsCloud::prepare);
    }
    FlowLogPump pump =
        simulator == null || simulator.world().traffic().isEmpty() || metrics == null
            ? null
            : FlowLogSources.simulator(
                simulator,
                operator.context(),
                metrics.registry(),
                flowLogsInterval,
                operator::leading);
    if (pump == null && flowLogGroup != null && !flowLogGroup.isBlank() && metrics != null) {
      pump =
          FlowLogSources.cloudWatch(
              backend.port(),
              flowLogRegion,
              flowLogGroup,
              flowLogFormat,
              url(flowLogEndpoint),
              checkpoints(client, err),
              operator.context(),
              metrics.registry(),
              flowLogsInterval,
              operator::leading);
    }
    FlowLogPump flowLogs = pump;
    started.set(operator);
    out.println(
        "portcullis operator: watching "
            + (settings.namespaces().isEmpty() ? "all namespaces" : settings.namespaces())
            + (served == Shard.ALL ? "" : " (" + served + ")")
            + " of "
            + client.getMasterUrl()
            + ", "
            + described
            + ", resync "
            + resync
            + ", drift scan "
            + (driftScanInterval.isZero() ? "off" : driftScanInterval)
            + ", EC2 rate limit "
            + rateLimit
            + (rateLimitShare < 1 ? " x share " + rateLimitShare : "")
            + (leaderElection
                ? ", leader election on Lease "
                    + (leaseNamespace == null ? client.getNamespace() : leaseNamespace)
                    + "/"
                    + leaseName
                : ""));
    out.flush();
    AutoCloseable closeCloud = cloudClients;
    Commands.awaitShutdown(
        () -> {
          running.set(false);
          if (flowLogs != null) {
            flowLogs.close();
          }
          operator.close();
          try {
            closeCloud.close();
          } catch (Exception e) {
            // the process is ending; the SDK's connections go with it
          }
          if (metrics != null) {
            metrics.close();
          }
          client.close();
        });
    return 0;
  }

  /**
   * The ConfigMap of the CloudWatch reader's checkpoint: in the Lease's namespace (else the pod's
   * own, or the kubeconfig context's); without one, none is kept.
   */
  /** {@code text}, or null when it is null or blank. */
  private static String blank(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  /** {@code text} as an http or https URL with a host; null when it is blank or not one. */
  /** {@link AwsCloud#warmUp()}; a failure costs only the time it would have saved. */
  private static void warmUp(AwsCloud cloud) {
    try {
      cloud.warmUp();
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(OperatorCommand.class)
          .debug("the AWS SDK's warm-up failed; the first request pays for it", e);
    }
  }

  private static URI url(String text) {
    if (blank(text) == null) {
      return null;
    }
    try {
      URI u = new URI(text);
      boolean web = "http".equals(u.getScheme()) || "https".equals(u.getScheme());
      return web && u.getHost() != null ? u : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private FlowLogCheckpoints checkpoints(KubernetesClient client, PrintWriter err) {
    String namespace = leaseNamespace != null ? leaseNamespace : client.getNamespace();
    String name = flowLogCheckpoint != null ? flowLogCheckpoint : leaseName + "-flow-logs";
    if (namespace == null) {
      err.println(
          "portcullis operator: no namespace for the flow log checkpoint (neither"
              + " --leader-election-namespace nor the pod's or the kubeconfig's): what was read of "
              + flowLogGroup
              + " is kept in memory only");
      return FlowLogCheckpoints.NONE;
    }
    return new ConfigMapCheckpoints(client, namespace, name, flowLogRegion, flowLogGroup);
  }

  /**
   * The limits of one operator of several that share an account's EC2 buckets: {@code share} (above
   * 0, at most 1) of every rate and burst of {@code limits}, each burst rounded down; null stays
   * null (no pacing).
   */
  public static RequestLimits shared(RequestLimits limits, double share) {
    return limits == null || share == 1 ? limits : limits.scaled(share);
  }

  /** on: the default limits; off: none (null); a number: the defaults scaled by it. */
  static RequestLimits requestLimits(String value) {
    return Commands.onOffOrFactor(
        value, RequestLimits::defaults, () -> null, RequestLimits.defaults()::scaled);
  }
}
