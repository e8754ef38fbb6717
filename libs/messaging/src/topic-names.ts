/** Topic names as deployed: the configured prefix lets runs and tenants share one cluster. */
export class TopicNames {
  constructor(private readonly prefix: string) {}

  name(topic: string): string {
    return `${this.prefix}${topic}`;
  }

  deadLetter(topic: string): string {
    return `${this.name(topic)}.dlq`;
  }
}
