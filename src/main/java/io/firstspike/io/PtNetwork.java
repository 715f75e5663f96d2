package io.firstspike.io;

import java.nio.file.Path;

/**
 * What {@link PtImporter#readAny} found in a {@code .pt} file: a 2021 network
 * ({@code training.Net}, {@link ImportedNetwork}) or a DelGrad layer network ({@code networks.Net},
 * {@link ImportedLayerNetwork}).
 */
public sealed interface PtNetwork permits ImportedNetwork, ImportedLayerNetwork {

  /** The file read. */
  Path source();

  /** {@code "legacy"} or {@code "zip"}. */
  String container();

  /** The pickled Python class of the network. */
  String networkClass();
}
