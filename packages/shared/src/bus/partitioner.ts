import { Partitioners, type PartitionMetadata } from 'kafkajs';

/**
 * Kafka's default partitioner (murmur2 of the key), taken from kafkajs, so a key lands in the same
 * partition in the embedded bus as on a real broker with the same partition count.
 */
const kafkaPartitioner = Partitioners.DefaultPartitioner();
const metadataCache = new Map<number, PartitionMetadata[]>();

export function partitionOf(key: string, partitions: number): number {
  let partitionMetadata = metadataCache.get(partitions);
  if (!partitionMetadata) {
    partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
    }));
    metadataCache.set(partitions, partitionMetadata);
  }
  return kafkaPartitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
