package dev.portcullis.bench;

import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.aws.AwsCloud;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.cloud.simulator.endpoint.Ec2Endpoint;
import dev.portcullis.cloud.simulator.endpoint.Ec2QueryService;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The simulator's EC2 endpoint with the AWS SDK for Java v2 as its client: mutating requests per
 * second (CreateTags from several threads, throttling off; 30 s of warm-up while the JIT compiles
 * client and server, then three measured rounds), and the paginated describe of every group of a
 * region of 10,000 (DescribeSecurityGroups, 1,000 a page; and the adapter's describe, which also
 * reads the rules' ids). With another EC2 server's URL (moto, say) it measures that server first,
 * making the groups there through the SDK, and then the endpoint, in the same run.
 *
 * <pre>
 * mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.portcullis.bench.EndpointBenchmark \
 *     -Dbench.args="[groups] [threads] [seconds] [url]"
 * </pre>
 */
public final class EndpointBenchmark {
  private static final String REGION = "eu-west-1";
  private static final String VPC = "vpc-0a000001";
  private static final int WARM_UP_SECONDS = 30;
  private static final int ROUNDS = 3;

  public static void main(String[] args) throws Exception {
    int groups = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    URI external = args.length > 3 ? URI.create(args[3]) : null;
    if (external != null) {
      // The other server first, then the endpoint with as many groups, in the same run.
      System.out.println("== " + external);
      measure(groups, threads, seconds, external);
      System.out.println("== the simulator's endpoint");
    }
    measure(groups, threads, seconds, null);
  }

  private static void measure(int groups, int threads, int seconds, URI external) throws Exception {
    Ec2Simulator sim = null;
    Ec2Endpoint endpoint = null;
    URI uri = external;
    if (external == null) {
      sim =
          Ec2Simulator.builder()
              .world(WorldLoader.loadResource("/worlds/demo.yaml"))
              .throttling(ThrottlingMode.OFF)
              .build();
      endpoint =
          Ec2Endpoint.start(
              sim, new InetSocketAddress("127.0.0.1", 0), Ec2QueryService.Settings.open(), false);
      uri = endpoint.uri();
    }
    StaticCredentialsProvider creds =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    try (Ec2Client ec2 =
        Ec2Client.builder()
            .region(Region.of(REGION))
            .endpointOverride(uri)
            .credentialsProvider(creds)
            .httpClientBuilder(ApacheHttpClient.builder().maxConnections(threads * 2))
            .build()) {
      String vpc = VPC;
      if (external != null) {
        vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
      }
      long t0 = System.nanoTime();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < groups; i++) {
        String name = "bench-" + i;
        if (sim != null) {
          ids.add(sim.createSecurityGroup(REGION, vpc, name, "bench", Map.of()).groupId());
        } else {
          String v = vpc;
          ids.add(
              ec2.createSecurityGroup(r -> r.groupName(name).description("bench").vpcId(v))
                  .groupId());
        }
      }
      System.out.printf(
          "made %d groups in %.1f s (%s)%n",
          groups, (System.nanoTime() - t0) / 1e9, sim != null ? "in process" : "through the SDK");

      // warm-up (the JIT compiles client and server), then measured rounds
      ec2.createTags(r -> r.resources(ids.get(0)).tags(Tag.builder().key("w").value("0").build()));
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        double warm = createTags(ec2, ids, pool, threads, WARM_UP_SECONDS);
        System.out.printf(
            "warm-up: CreateTags for %d s from %d threads: %.0f requests/s%n",
            WARM_UP_SECONDS, threads, warm);
        for (int round = 1; round <= ROUNDS; round++) {
          double rate = createTags(ec2, ids, pool, threads, seconds);
          System.out.printf(
              "mutating, round %d: CreateTags for %d s from %d threads: %.0f requests/s%n",
              round, seconds, threads, rate);
        }
      } finally {
        pool.shutdown();
      }

      for (int round = 0; round < 3; round++) {
        long d0 = System.nanoTime();
        int seen = 0;
        int pages = 0;
        String token = null;
        do {
          String tk = token;
          var page = ec2.describeSecurityGroups(r -> r.maxResults(1000).nextToken(tk));
          seen += page.securityGroups().size();
          pages++;
          token = page.nextToken();
        } while (token != null);
        System.out.printf(
            "DescribeSecurityGroups: %d groups in %d pages in %.3f s%n",
            seen, pages, (System.nanoTime() - d0) / 1e9);
      }
      try (AwsCloud cloud = new AwsCloud(uri, creds, 1)) {
        for (int round = 0; round < 3; round++) {
          long d0 = System.nanoTime();
          int seen = cloud.describeAllSecurityGroups(REGION, GroupFilter.all()).size();
          System.out.printf(
              "AwsCloud.describeAllSecurityGroups (with DescribeSecurityGroupRules): %d groups in"
                  + " %.3f s%n",
              seen, (System.nanoTime() - d0) / 1e9);
        }
      }
    } finally {
      if (endpoint != null) {
        endpoint.close();
      }
    }
  }

  /** CreateTags from {@code threads} threads for {@code seconds}: requests per second. */
  private static double createTags(
      Ec2Client ec2, List<String> ids, ExecutorService pool, int threads, int seconds)
      throws Exception {
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + seconds * 1_000_000_000L;
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                int i = thread;
                while (System.nanoTime() < deadline) {
                  String id = ids.get(i % ids.size());
                  String value = Integer.toString(i);
                  ec2.createTags(
                      r -> r.resources(id).tags(Tag.builder().key("n").value(value).build()));
                  done.incrementAndGet();
                  i += threads;
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }
}
