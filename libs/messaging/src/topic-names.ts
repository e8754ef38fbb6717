/**
 * Topic and consumer group names as deployed: the configured prefix lets runs and tenants share one cluster.
 * Groups carry it too: two deployments in one group would take each other's partitions (kafkajs assigns every
 * partition of the group's topics to any member, subscribed or not) and rebalance each other.
 */
export class TopicNames {
  constructor(private readonly prefix: string) {}

  name(topic: string): string {
    return `${this.prefix}${topic}`;
  }

  deadLetter(topic: string): string {
    return `${this.name(topic)}.dlq`;
  }

  consumerGroup(service: string): string {
    return `${this.prefix}harbor-${service}`;
  }
}
