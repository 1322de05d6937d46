package dev.portcullis.cloud.simulator;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the world files read so far declare, for the checks that look across sections and files:
 * where each id was first declared, to name both places when one is declared twice, and where each
 * VPC and instance is, to say where a misplaced reference points.
 */
final class WorldIds {
  /** Where each id was first declared, to name both places when one is declared twice. */
  final Map<String, String> vpcPaths = new HashMap<>();

  final Map<String, String> instancePaths = new HashMap<>();
  final Map<String, String> interfacePaths = new HashMap<>();

  /** Prefix lists declared, as region/id, and where. */
  final Map<String, String> prefixListPaths = new HashMap<>();

  /** The file of every VPC, to say so when an instance of another file names it. */
  final Map<String, String> vpcSources = new HashMap<>();

  /** Private addresses in use, per VPC. */
  final Map<String, String> privateIpPaths = new HashMap<>();

  /** The region of every VPC and instance, to say where a misplaced reference points. */
  final Map<String, String> vpcRegions = new HashMap<>();

  final Map<String, String> instanceRegions = new HashMap<>();

  /** VPCs declared with an error already reported: what refers to them is not reported again. */
  final Set<String> brokenVpcs = new HashSet<>();
}
