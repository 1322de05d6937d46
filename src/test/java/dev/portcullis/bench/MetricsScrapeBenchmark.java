package dev.portcullis.bench;

import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.simulator.DemoWorld;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.operator.CloudBackend;
import dev.portcullis.operator.MetricsEstate;
import dev.portcullis.operator.MetricsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;

/**
 * What /metrics costs at the size of an estate: the operator's meters for N SecurityGroups (their
 * conditions and drift, as {@link MetricsEstate} reports them), the EC2 call counters of the
 * simulator that holds their groups, and the JVM's meters, served by the operator's {@link
 * MetricsServer} and scraped over HTTP on 127.0.0.1 as Prometheus does, with and without the
 * per-resource series ({@code --metrics-per-resource}). It prints, per estate and setting, the
 * series in a scrape (all, and {@code portcullis_*}), the body's size and the scrape's time
 * (median, 90th percentile and longest of the measured scrapes, after warm-up scrapes).
 *
 * <pre>
 * mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.portcullis.bench.MetricsScrapeBenchmark \
 *     -Dbench.jvm=-Xmx1g -Dbench.args="[groups,groups,...] [scrapes]"
 * </pre>
 */
public final class MetricsScrapeBenchmark {
  private static final String REGION = "eu-west-1";
  private static final String VPC = "vpc-0a000001";

  public static void main(String[] args) throws Exception {
    int[] sizes =
        Arrays.stream((args.length > 0 ? args[0] : "1000,10000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int scrapes = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    HttpClient http = HttpClient.newHttpClient();
    System.out.printf(
        "%8s %13s %8s %11s %10s %11s %9s %9s%n",
        "groups",
        "per-resource",
        "series",
        "portcullis",
        "body KiB",
        "median ms",
        "p90 ms",
        "max ms");
    for (int groups : sizes) {
      for (boolean perResource : new boolean[] {true, false}) {
        Ec2Simulator sim = DemoWorld.unthrottled();
        CloudPort ec2 = sim;
        for (int i = 0; i < groups; i++) {
          ec2.createSecurityGroup(REGION, VPC, "group-" + i, "d", Map.of());
        }
        ec2.describeAllSecurityGroups(REGION, GroupFilter.all());
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, () -> true, () -> true)) {
          MetricsEstate.fill(
              server.registry(), perResource, groups, CloudBackend.simulator(sim).calls());
          URI uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
          HttpRequest get = HttpRequest.newBuilder(uri).build();
          String body = "";
          for (int i = 0; i < Math.max(10, scrapes / 2); i++) {
            body = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
          }
          long[] nanos = new long[scrapes];
          for (int i = 0; i < scrapes; i++) {
            long t0 = System.nanoTime();
            body = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
            nanos[i] = System.nanoTime() - t0;
          }
          Arrays.sort(nanos);
          long series = body.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
          long ours = body.lines().filter(l -> l.startsWith("portcullis_")).count();
          System.out.printf(
              "%8d %13s %8d %11d %10.1f %11.2f %9.2f %9.2f%n",
              groups,
              perResource,
              series,
              ours,
              body.length() / 1024.0,
              nanos[scrapes / 2] / 1e6,
              nanos[(int) (scrapes * 0.9)] / 1e6,
              nanos[scrapes - 1] / 1e6);
        }
      }
    }
  }
}
