import { bigramJaccard } from './text';

export interface KnowledgeArticleRecord {
  id: string;
  title: string;
  question: string;
  answer: string;
  keywords: string[];
  categoryId: string | null;
}

export interface KnowledgeMatch {
  article: KnowledgeArticleRecord;
  score: number;
}

/**
 * Ranks articles for a caller's question: each keyword found in the text counts, and the text's
 * similarity to the article's question breaks ties and finds articles whose keywords were not used.
 */
export function rankKnowledge(text: string, articles: readonly KnowledgeArticleRecord[], limit = 5): KnowledgeMatch[] {
  return articles
    .map((article) => {
      const hits = article.keywords.filter((k) => text.includes(k)).length;
      const keywordScore = article.keywords.length ? hits / Math.min(article.keywords.length, 3) : 0;
      const score = Math.min(1, 0.7 * Math.min(1, keywordScore) + 0.3 * bigramJaccard(text, `${article.title} ${article.question}`) * 2);
      return { article, score: Math.round(score * 1000) / 1000 };
    })
    .filter((m) => m.score >= 0.2)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}
