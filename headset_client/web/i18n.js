// Every string the visitor sees, in Thai and English. Scene texts come from the script
// (LocalizedText {th, en}); `loc` picks the language.

export const LANGUAGES = ['th', 'en'];

const STRINGS = {
  app_title: { th: 'สำรวจอาชีพด้วย VR', en: 'VR career exploration' },
  headset: { th: 'แว่น', en: 'Headset' },
  choose_language: { th: 'เลือกภาษา', en: 'Language' },
  wait_for_staff: { th: 'กรุณารอเจ้าหน้าที่เลือกอาชีพให้คุณ', en: 'Please wait: a staff member will start your occupation.' },
  pick_occupation: { th: 'เลือกอาชีพที่อยากลอง', en: 'Pick an occupation to try' },
  minutes: { th: 'นาที', en: 'min' },
  connecting: { th: 'กำลังเชื่อมต่อเซิร์ฟเวอร์…', en: 'Connecting to the server…' },
  offline: { th: 'ขาดการเชื่อมต่อ กำลังลองใหม่…', en: 'Connection lost, retrying…' },
  online: { th: 'เชื่อมต่อแล้ว', en: 'Connected' },
  enrolling: { th: 'กำลังลงทะเบียนแว่น…', en: 'Enrolling this headset…' },
  not_enrolled: { th: 'แว่นนี้ยังไม่ได้ลงทะเบียน เปิดลิงก์ลงทะเบียนจากเจ้าหน้าที่', en: 'This headset is not enrolled: open the enrollment link from staff.' },
  enroll_failed: { th: 'ลงทะเบียนไม่สำเร็จ', en: 'Enrollment failed' },
  token_refused: { th: 'เซิร์ฟเวอร์ไม่รับรหัสของแว่นนี้ ต้องลงทะเบียนใหม่', en: 'The server refused this headset: enroll it again.' },
  replaced: { th: 'แว่นนี้เปิดแอปอยู่ในหน้าต่างอื่น', en: 'This headset is connected from another window.' },
  protocol_mismatch: { th: 'แอปนี้ไม่ตรงกับเวอร์ชันของเซิร์ฟเวอร์ กรุณาโหลดหน้าใหม่', en: 'This app does not match the server version: reload the page.' },
  loading: { th: 'กำลังโหลดฉาก', en: 'Loading the scene' },
  loading_cache: { th: 'โหลดจากหน่วยความจำของแว่น', en: 'Loading from the headset cache' },
  load_failed: { th: 'โหลดฉากไม่สำเร็จ', en: 'The scene could not be loaded' },
  enter_vr: { th: 'เข้าสู่ VR', en: 'Enter VR' },
  no_vr: { th: 'เบราว์เซอร์นี้ไม่รองรับ VR (ต้องเปิดผ่าน HTTPS บนแว่น Quest)', en: 'This browser cannot show VR (open it over HTTPS on a Quest headset).' },
  step_of: { th: 'ขั้นที่ {n} จาก {total}', en: 'Step {n} of {total}' },
  continue: { th: 'ไปต่อ', en: 'Continue' },
  next: { th: 'ถัดไป', en: 'Next' },
  hint: { th: 'คำใบ้', en: 'Hint' },
  call_staff: { th: 'เรียกเจ้าหน้าที่', en: 'Call staff' },
  staff_called: { th: 'เจ้าหน้าที่กำลังมา', en: 'Staff are on their way' },
  standing: { th: 'ยืน', en: 'Standing' },
  seated: { th: 'นั่ง', en: 'Seated' },
  sound_volume: { th: 'เสียง {n}%', en: 'Sound {n}%' },
  sound_muted: { th: 'ปิดเสียงอยู่', en: 'Muted' },
  rate_prompt: { th: 'คุณชอบกิจกรรมนี้แค่ไหน (1 ถึง 5 ดาว)', en: 'How did you like it? (1 to 5 stars)' },
  rated_thanks: { th: 'ขอบคุณสำหรับคะแนนของคุณ', en: 'Thank you for your rating' },
  scan_result: { th: 'สแกนเพื่อดูผลของคุณและตำแหน่งงานจริง', en: 'Scan for your results and real job openings' },
  switch_language: { th: 'English', en: 'ไทย' },
  do_select: { th: 'ชี้แล้วกดไก', en: 'Point and pull the trigger' },
  do_grab: { th: 'ชี้ กดไกค้างไว้ ยกไปวาง แล้วปล่อย', en: 'Point, hold the trigger, carry it over and let go' },
  do_look: { th: 'มองไปที่สิ่งที่ไฮไลต์ไว้สักครู่', en: 'Look at the highlighted object for a moment' },
  wrong_object: { th: 'ยังไม่ใช่ ลองอีกครั้ง', en: 'Not that one, try again' },
  wrong_place: { th: 'ยังไม่ใช่ตำแหน่งที่ถูก ลองอีกครั้ง', en: 'Not the right spot, try again' },
  well_done: { th: 'เยี่ยมมาก!', en: 'Well done!' },
  correct: { th: 'ถูกต้อง!', en: 'Correct!' },
  incorrect: { th: 'ยังไม่ถูก', en: 'Not quite' },
  question_of: { th: 'คำถามที่ {n} จาก {total}', en: 'Question {n} of {total}' },
  finishing: { th: 'กำลังสรุปผล…', en: 'Working out your results…' },
  paused: { th: 'หยุดชั่วคราว', en: 'Paused' },
  paused_detail: { th: 'เจ้าหน้าที่หยุดกิจกรรมไว้ชั่วคราว กรุณารอสักครู่', en: 'Staff paused the activity. Please wait a moment.' },
  ended_by_staff: { th: 'เจ้าหน้าที่จบกิจกรรมแล้ว', en: 'Staff ended the activity.' },
  results: { th: 'ผลของคุณ', en: 'Your results' },
  score: { th: 'คะแนน', en: 'Score' },
  passed: { th: 'ผ่าน! คุณทำได้ดีมาก', en: 'Passed! Great work' },
  not_passed: { th: 'ลองใหม่ได้เสมอ ทุกคนเริ่มจากศูนย์', en: 'Keep practising: everyone starts somewhere' },
  strengths: { th: 'จุดเด่นของคุณ', en: 'Your strengths' },
  interests: { th: 'ความสนใจ (RIASEC)', en: 'Interests (RIASEC)' },
  skills: { th: 'ทักษะในอาชีพนี้', en: 'Skills in this job' },
  scan_jobs: { th: 'สแกนเพื่อดูตำแหน่งงานจริง', en: 'Scan for real job openings' },
  back_to_lobby: { th: 'กลับหน้าหลัก', en: 'Back to the lobby' },
  hand_to_staff: { th: 'กรุณาส่งแว่นคืนเจ้าหน้าที่', en: 'Please hand the headset back to staff.' },
  message_from_staff: { th: 'ข้อความจากเจ้าหน้าที่', en: 'Message from staff' },
  riasec_R: { th: 'ช่างลงมือทำ', en: 'Realistic' },
  riasec_I: { th: 'นักคิดค้นคว้า', en: 'Investigative' },
  riasec_A: { th: 'นักสร้างสรรค์', en: 'Artistic' },
  riasec_S: { th: 'ผู้ช่วยเหลือผู้อื่น', en: 'Social' },
  riasec_E: { th: 'ผู้นำ', en: 'Enterprising' },
  riasec_C: { th: 'ผู้จัดระเบียบ', en: 'Conventional' },
};

export function t(key, lang, vars = {}) {
  const entry = STRINGS[key];
  if (!entry) return key;
  let text = entry[lang] ?? entry.en;
  for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** A LocalizedText from the script or the server, in `lang`. */
export function loc(text, lang) {
  if (text == null) return '';
  if (typeof text === 'string') return text;
  return text[lang] ?? text.en ?? text.th ?? '';
}

export function otherLanguage(lang) {
  return lang === 'th' ? 'en' : 'th';
}

export const ALL_KEYS = Object.keys(STRINGS);
