"""Every LeetCode query in one place (the API is undocumented and changes:
when it does, this module and leetcode_parse are where to look)."""

from __future__ import annotations

QUESTION = """query questionData($titleSlug: String!) {
  question(titleSlug: $titleSlug) {
    questionId questionFrontendId title titleSlug content translatedTitle translatedContent isPaidOnly
    difficulty
    topicTags { name slug } codeSnippets { lang langSlug code }
    sampleTestCase exampleTestcases exampleTestcaseList metaData hints stats envInfo
  }
}"""

PAST_CONTESTS = """query pastContests($pageNo: Int, $numPerPage: Int) {
  pastContests(pageNo: $pageNo, numPerPage: $numPerPage) {
    pageNum currentPage totalNum numPerPage data { title titleSlug startTime duration }
  }
}"""

UPCOMING_CONTESTS = "query topTwoContests { topTwoContests { title titleSlug startTime duration } }"

# leetcode.cn names some contest queries differently.
CN_PAST_CONTESTS = """query contestHistory($pageNum: Int!, $pageSize: Int) {
  contestHistory(pageNum: $pageNum, pageSize: $pageSize) {
    totalNum contests { title titleSlug startTime duration }
  }
}"""
CN_UPCOMING_CONTESTS = "query contestUpcomingContests { contestUpcomingContests { title titleSlug startTime duration } }"

# Community solution articles (public, no login; agent/sources/community.py).
# The UGC listing LeetCode's own front end sends, `orderBy` HOT | MOST_RECENT | MOST_VOTES:
SOLUTION_ARTICLES = """query ugcArticleSolutionArticles($questionSlug: String!, $orderBy: ArticleOrderByEnum,
    $userInput: String, $tagSlugs: [String!], $skip: Int, $first: Int) {
  ugcArticleSolutionArticles(questionSlug: $questionSlug, orderBy: $orderBy, userInput: $userInput,
      tagSlugs: $tagSlugs, skip: $skip, first: $first) {
    totalNum
    pageInfo { hasNextPage }
    edges {
      node {
        topicId title slug summary createdAt hitCount
        author { userSlug userName }
        reactions { count reactionType }
      }
    }
  }
}"""

# The listing of the discuss era: answers for older problems, nothing for recent ones.
LEGACY_SOLUTIONS = """query communitySolutions($questionSlug: String!, $skip: Int!, $first: Int!,
    $orderBy: TopicSortingOption, $languageTags: [String!]) {
  questionSolutions(filters: {questionSlug: $questionSlug, skip: $skip, first: $first, orderBy: $orderBy,
      languageTags: $languageTags}) {
    totalNum
    solutions { id title viewCount post { voteCount creationDate author { username } } }
  }
}"""

# One article's Markdown body, by the topic id either listing gives.
SOLUTION_ARTICLE = """query ugcArticleSolutionArticle($topicId: ID) {
  ugcArticleSolutionArticle(topicId: $topicId) { topicId title content }
}"""


def contest_info_path(slug: str) -> str:
    return f"/contest/api/info/{slug}/"


# Where LeetCode sends a request whose session is missing or expired.
LOGIN_PATHS = ("/accounts/login", "/accounts/signin")
